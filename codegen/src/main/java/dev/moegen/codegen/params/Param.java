package dev.moegen.codegen.params;

import dev.moegen.codegen.params.KernelParams.Gemm;
import java.util.Arrays;
import java.util.List;

/**
 * Every tunable kernel parameter, defined once: its key (as users type it), the family it tunes, its domain and
 * whether only the tensor-core loops read it. The order is the order of templates' defines and of reports.
 */
public enum Param {
    GEMM(Family.GROUP_GEMM, new Domain.Choice(List.of("simt", "mma", "wgmma")), false, "GroupGEMM main loop"),
    BLOCK_M(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(1, 2, 4, 8, 16, 32, 64, 128, 256)), false,
            "rows per GroupGEMM tile = the permutation's padding granularity"),
    BLOCK_N(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(8, 16, 32, 64, 128, 256)), false, "output columns per tile (gate and up count once)"),
    BLOCK_K(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(8, 16, 32, 64, 128)), false, "reduction depth staged per pipeline stage"),
    WARPS_M(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4, 8)), true, "warps along M"),
    WARPS_N(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4)), true, "warps along N"),
    STAGES(Family.GROUP_GEMM, new Domain.IntRange(1, 8, List.of(2, 3, 4, 5)), true, "shared-memory pipeline depth"),
    GROUP_M(Family.GROUP_GEMM, new Domain.IntRange(1, 64, List.of(1, 4, 8, 16)), true, "row tiles visited together so a weight tile is reused from L2"),
    SPLIT_K(Family.GROUP_GEMM, new Domain.IntRange(1, 64, List.of(1, 2, 4, 8)), false, "K slices of GroupGEMM 2 on the decode path"),
    SPLIT_MAX_TOKENS(Family.GROUP_GEMM, new Domain.IntRange(0, 1 << 20, List.of(0, 32)), false, "split-K applies when T <= this"),
    GATE_WG(Family.GATING, new Domain.PowerOfTwo(1, 1024, 32), false, "work-items per token in the gating kernel"),
    SCAN_WG(Family.PERMUTATION, new Domain.PowerOfTwo(1, 1024, 32), false, "work-items of the single permutation-scan work-group"),
    ALIGN_CHUNK(Family.PERMUTATION, new Domain.IntRange(1, 4096, List.of(16, 32, 64, 128, 256)), false, "assignments per work-item in count/scatter");

    private final Family family;
    private final Domain domain;
    private final boolean tensorCoreOnly;
    private final String doc;

    Param(Family family, Domain domain, boolean tensorCoreOnly, String doc) {
        this.family = family;
        this.domain = domain;
        this.tensorCoreOnly = tensorCoreOnly;
        this.doc = doc;
    }

    /** As users type it: "block_m". */
    public String key() {
        return name().toLowerCase();
    }

    /** As templates and source headers spell it: "BLOCK_M". */
    public String define() {
        return name();
    }

    public Family family() {
        return family;
    }

    public Domain domain() {
        return domain;
    }

    public String doc() {
        return doc;
    }

    /** Whether the kernels see it as a #define: split-K is chosen per launch (the grid's third axis) and gemm picks the template. */
    public boolean isDefine() {
        return this != GEMM && this != SPLIT_K && this != SPLIT_MAX_TOKENS;
    }

    /** Whether the main loop {@code g} reads this parameter (the SIMT loop ignores warps, stages and GROUP_M). */
    public boolean activeFor(Gemm g) {
        return !tensorCoreOnly || g.tensorCores();
    }

    /** A value typed by a user: a loop name for {@code gemm}, else an integer; the error names key, value and what is allowed. */
    public Object parse(String raw) {
        String v = raw.trim();
        if (this == GEMM) return Gemm.parse(v);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key() + " = '" + raw + "': must be an integer");
        }
    }

    /** The parameter a user's key names ("block_m", "BLOCK-M"); the error lists every key. */
    public static Param byKey(String key) {
        String k = key.trim().toLowerCase().replace('-', '_');
        for (Param p : values()) if (p.key().equals(k)) return p;
        throw new IllegalArgumentException("'" + key + "': not a kernel parameter; allowed: " + String.join(", ", keys()));
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Param::key).toList();
    }

    public static List<Param> of(Family f) {
        return Arrays.stream(values()).filter(p -> p.family == f).toList();
    }
}

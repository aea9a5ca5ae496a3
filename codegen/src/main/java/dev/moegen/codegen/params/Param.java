package dev.moegen.codegen.params;

import dev.moegen.codegen.params.KernelParams.Gemm;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every tunable kernel parameter, defined once: its key (as users type it), the family it tunes, its domain and
 * the main loops that read it. The order is the order of templates' defines and of reports.
 */
public enum Param {
    GEMM(Family.GROUP_GEMM, new Domain.Choice(Arrays.stream(Gemm.values()).map(Gemm::id).toList()), Loops.ALL, "GroupGEMM main loop"),
    BLOCK_M(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(1, 2, 4, 8, 16, 32, 64, 128, 256)), Loops.ALL,
            "rows per GroupGEMM tile = the permutation's padding granularity"),
    BLOCK_N(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(8, 16, 32, 64, 128, 256)), Loops.ALL, "output columns per tile (gate and up count once)"),
    BLOCK_K(Family.GROUP_GEMM, new Domain.IntRange(1, 256, List.of(8, 16, 32, 64, 128)), Loops.ALL, "reduction depth staged per pipeline stage"),
    WARPS_M(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4, 8)), Loops.TENSOR_CORES, "warps along M"),
    WARPS_N(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4)), Loops.TENSOR_CORES, "warps along N"),
    STAGES(Family.GROUP_GEMM, new Domain.IntRange(1, 8, List.of(2, 3, 4, 5)), Loops.TENSOR_CORES, "shared-memory pipeline depth"),
    GROUP_M(Family.GROUP_GEMM, new Domain.IntRange(1, 64, List.of(1, 4, 8, 16)), Loops.TENSOR_CORES, "row tiles visited together so a weight tile is reused from L2"),
    // searched at 0 alone until a Hopper run has measured the producer loop (a search must not risk a hang on a user's GPU)
    PRODUCER(Family.GROUP_GEMM, new Domain.IntRange(0, 1, List.of(0)), Loops.WGMMA,
            "1: a producer warpgroup loads every tile and hands it to the math warpgroups through mbarriers (warp specialisation)"),
    SPLIT_K(Family.GROUP_GEMM, new Domain.IntRange(1, 64, List.of(1, 2, 4, 8)), Loops.ALL, "K slices of GroupGEMM 2 on the decode path"),
    SPLIT_MAX_TOKENS(Family.GROUP_GEMM, new Domain.IntRange(0, 1 << 20, List.of(0, 32)), Loops.ALL, "split-K applies when T <= this"),
    GATE_WG(Family.GATING, new Domain.PowerOfTwo(1, 1024, 32), Loops.ALL, "work-items per token in the gating kernel"),
    SCAN_WG(Family.PERMUTATION, new Domain.PowerOfTwo(1, 1024, 32), Loops.ALL, "work-items of the single permutation-scan work-group"),
    ALIGN_CHUNK(Family.PERMUTATION, new Domain.IntRange(1, 1 << 20, List.of(16, 32, 64, 128, 256)), Loops.ALL,
            "assignments per work-item in count/scatter (one sequence's when the capacity holds per sequence)"),
    MWI(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4, 8)), Loops.TILED, "rows of the register tile one work-item computes"),
    NWI(Family.GROUP_GEMM, new Domain.IntRange(1, 16, List.of(1, 2, 4)), Loops.TILED, "column vectors (vw outputs each) of the register tile; gate and up count once (the router GEMM: router rows)"),
    VW(Family.GROUP_GEMM, new Domain.PowerOfTwo(1, 16, 4), Loops.TILED, "vector width: output columns per weight load and per FMA (activations are read vw k at a time)"),
    BLOCK_N2(Family.GROUP_GEMM, new Domain.IntRange(0, 256, List.of(0, 16, 32, 64, 128)), Loops.TILED, "GroupGEMM 2's block_n (0: GroupGEMM 1's)"),
    MWI2(Family.GROUP_GEMM, new Domain.IntRange(0, 16, List.of(0, 1, 2, 4, 8)), Loops.TILED, "GroupGEMM 2's mwi (0: GroupGEMM 1's)"),
    NWI2(Family.GROUP_GEMM, new Domain.IntRange(0, 16, List.of(0, 1, 2, 4)), Loops.TILED, "GroupGEMM 2's nwi (0: GroupGEMM 1's)"),
    // these two are searched at their off value alone until a GPU run has measured them: each would multiply the
    // tensor-core space (2 x 3 on ~200,000 points per loop) for a gain only a GPU can show
    FUSE_COMBINE(Family.GROUP_GEMM, new Domain.IntRange(0, 1, List.of(0)), Loops.TENSOR_CORES,
            "1: GroupGEMM 2 also combines (a token's last tile of a column block adds its slots into y; no combine launch)"),
    SPLIT_K1(Family.GROUP_GEMM, new Domain.IntRange(1, 64, List.of(1)), Loops.TENSOR_CORES,
            "K slices of GroupGEMM 1 on the decode path (T <= split_max_tokens): the last slice of a tile adds them and applies the activation");

    /** Sets of main loops (a holder: enum constants may not read the enum's own static fields). */
    private static final class Loops {
        static final Set<Gemm> ALL = EnumSet.allOf(Gemm.class), TENSOR_CORES = EnumSet.of(Gemm.MMA, Gemm.WGMMA), TILED = EnumSet.of(Gemm.TILED),
                WGMMA = EnumSet.of(Gemm.WGMMA);
    }

    private final Family family;
    private final Domain domain;
    private final Set<Gemm> loops;
    private final String doc;

    Param(Family family, Domain domain, Set<Gemm> loops, String doc) {
        this.family = family;
        this.domain = domain;
        this.loops = loops;
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

    /** The GroupGEMM 2 tile parameters, tuned apart from GroupGEMM 1's (0 means "as GroupGEMM 1"). */
    public boolean gemm2Only() {
        return this == BLOCK_N2 || this == MWI2 || this == NWI2;
    }

    /** Whether the kernels see it as a #define: split-K is chosen per launch (the grid's third axis) and gemm picks the template. */
    public boolean isDefine() {
        return this != GEMM && this != SPLIT_K && this != SPLIT_MAX_TOKENS;
    }

    /** Whether the main loop {@code g} reads this parameter (only the tensor-core loops read warps, stages and GROUP_M; only the tiled loop its register tile). */
    public boolean activeFor(Gemm g) {
        return loops.contains(g);
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

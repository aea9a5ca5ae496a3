package dev.moegen.codegen.params;

/** Kernel families with their own tunable parameters: each is tuned (and its space enumerated) on its own. */
public enum Family {
    /** the two GroupGEMMs: main loop, tiles, warps, pipeline, split-K (BLOCK_M is also the permutation's padding) */
    GROUP_GEMM,
    /** the fused routing kernel */
    GATING,
    /** the permutation's count, scan and scatter kernels */
    PERMUTATION;

    public String id() {
        return name().toLowerCase();
    }

    /** Templates every GroupGEMM main loop is built from: the program, shared GEMM code, activations, numerics, the preludes. */
    private static final java.util.Set<String> GEMM_COMMON = java.util.Set.of("program.ftl", "common/gemm_common.ftl", "common/activation.ftl",
            "common/act_type.ftl", "common/convert.ftl", "common/numerics.ftl", "cuda/prelude.ftl", "opencl/prelude.ftl");

    /** Templates only one main loop is built from: its body and its dialect primitives. */
    private static java.util.Set<String> loopTemplates(KernelParams.Gemm g) {
        return switch (g) {
            case SIMT -> java.util.Set.of("common/group_gemm.ftl");
            case TILED -> java.util.Set.of("common/group_gemm_tiled.ftl", "common/dot_tile.ftl", "cuda/vector.ftl", "opencl/vector.ftl");
            case MMA, WGMMA -> java.util.Set.of("common/group_gemm_tc.ftl", "common/wgmma_desc.ftl", "cuda/tensor_core.ftl", "opencl/tensor_core.ftl");
        };
    }

    /**
     * Whether a GroupGEMM built with main loops {@code loops} depends on {@code path}: the common templates and those
     * loops' own. Tuned entries are keyed by the hash of these, so work on the tensor-core loops leaves a CPU's tiled
     * entries current.
     */
    public static boolean gemmBuiltFrom(String path, java.util.Set<KernelParams.Gemm> loops) {
        return GEMM_COMMON.contains(path) || loops.stream().anyMatch(g -> loopTemplates(g).contains(path));
    }

    /** Whether the family's kernels are built from the template at {@code path} (relative to the templates folder). */
    public boolean builtFrom(String path) {
        return switch (this) {
            case GROUP_GEMM -> gemmBuiltFrom(path, java.util.EnumSet.allOf(KernelParams.Gemm.class));
            case GATING -> path.equals("program.ftl") || path.equals("common/gating.ftl") || path.equals("common/numerics.ftl") || path.matches("(cuda|opencl)/prelude.ftl");
            case PERMUTATION -> path.equals("program.ftl") || path.equals("common/align.ftl") || path.matches("(cuda|opencl)/prelude.ftl");
        };
    }
}

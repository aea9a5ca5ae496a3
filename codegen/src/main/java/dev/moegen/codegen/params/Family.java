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

    /** Templates of the GroupGEMM kernels: their bodies, the shared tile and vector code, activations, numerics and each dialect's prelude and primitives. */
    private static final java.util.Set<String> GEMM_TEMPLATES = java.util.Set.of("program.ftl", "common/group_gemm.ftl", "common/group_gemm_tc.ftl",
            "common/group_gemm_tiled.ftl", "common/gemm_common.ftl", "common/dot_tile.ftl", "common/activation.ftl", "common/act_type.ftl", "common/convert.ftl",
            "common/numerics.ftl", "common/wgmma_desc.ftl");

    /** Whether the family's kernels are built from the template at {@code path} (relative to the templates folder). */
    public boolean builtFrom(String path) {
        return switch (this) {
            case GROUP_GEMM -> GEMM_TEMPLATES.contains(path) || path.startsWith("cuda/") && !path.startsWith("cuda/bench") || path.startsWith("opencl/");
            case GATING -> path.equals("program.ftl") || path.equals("common/gating.ftl") || path.equals("common/numerics.ftl") || path.matches("(cuda|opencl)/prelude.ftl");
            case PERMUTATION -> path.equals("program.ftl") || path.equals("common/align.ftl") || path.matches("(cuda|opencl)/prelude.ftl");
        };
    }
}

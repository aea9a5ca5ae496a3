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
}

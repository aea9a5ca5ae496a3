package dev.moegen.codegen.plan;

/** How a kernel's launch grid follows from the token count. */
public enum Geometry {
    /** one work-item per (token, router row) */
    TOKEN_ROUTER_ROWS,
    /** one work-group of GATE_WG per token */
    TOKEN_GROUPS,
    /** one work-item per chunk of ALIGN_CHUNK assignments */
    ALIGN_CHUNKS,
    /** a single work-group of SCAN_WG */
    SINGLE_GROUP,
    /** one work-group of SCAN_WG per routed expert */
    EXPERT_GROUPS,
    /**
     * SIMT: (N / BLOCK_N) x (max padded rows / BLOCK_M) groups of BLOCK_N x BLOCK_M; tensor cores: one block
     * of 32·warps threads per (row tile, column tile), in GROUP_M order along one grid axis. N = GEMM 1 width.
     */
    GEMM1_TILES,
    /** same, N = hidden, and a third grid axis of K slices (split-K) */
    GEMM2_TILES,
    /** one work-item per (token, group of {@link KernelPlan#combineVector} hidden columns) */
    TOKEN_HIDDEN
}

package dev.moegen.dsl.ops;

/**
 * Per block of permuted rows, out = in · W[expert]ᵀ (+ bias[expert]) then the epilogue.
 * {@code gatherTokens}: GEMM 1 reads x rows through sorted_token_ids; GEMM 2 reads rows in sorted order.
 */
public record GroupGemm(String stage, int experts, long n, long k, boolean gatherTokens, boolean bias, Epilogue epilogue)
        implements Op {}

<#--
  What every GroupGEMM main loop shares: the padded row count and the fused epilogues (the argument list is the
  kernel's signature, rendered from KernelRole).
  stage 1: A rows = x gathered through sorted_token_ids, B = w13[e] (gate rows and, if gated, up rows I
           further), epilogue act(gate + b13, up + b13) -> inter[p, I] in the activation dtype.
  stage 2: A rows = inter in sorted order, B = w2[e], epilogue (acc + b2) * routing weight -> this K slice's
           fp32 slab of expert_out; the combine kernel adds the slices in order.
-->
/* Rows of the sorted arrays for T tokens: every expert may end with a partial block. */
#define MAX_PADDED(T) (((T) * SLOTS + ALL_EXPERTS * (BLOCK_M - 1) + BLOCK_M - 1) / BLOCK_M * BLOCK_M)

<#-- The epilogue call for output (p, n): gate/up for stage 1, acc for stage 2. -->
<#macro store stage p n acc up="0.0f"><#if stage == 1>gemm1_store(out,<#if expertBias> b13,</#if> e, ${p}, ${n}, ${acc}, ${up})<#else>gemm2_store(out,<#if expertBias> b2,</#if> topk_weights, e, ${p}, sorted_token_ids[${p}], ${n}, ${acc}, split, T)</#if></#macro>
<#-- The K tiles [kt0, kt1) of this block's slice: GEMM 2 is split along K over the grid's third axis. -->
<#macro k_slice stage K>
<#if stage == 2>
    const int splits = NUM_GROUPS(2), split = GROUP_ID(2);
<#else>
    const int splits = 1, split = 0;
</#if>
    const int k_tiles = (${K} + BLOCK_K - 1) / BLOCK_K, per_split = (k_tiles + splits - 1) / splits;
    const int kt0 = min(k_tiles, split * per_split), kt1 = min(k_tiles, kt0 + per_split);
</#macro>

/* GEMM 1 epilogue: bias, activation, store in the activation dtype. */
DEVICE_FN void gemm1_store(GLOBAL act_t* out,<#if expertBias> GLOBAL const float* b13,</#if> idx_t e, int p, int n, float gate, float up) {
<#if expertBias>
    gate += b13[e * N1 + n];
<#if gated>
    up += b13[e * N1 + INTER + n];
</#if>
</#if>
    STORE_ACT(out, (idx_t)p * INTER + n, activate(gate, up));
}

/* GEMM 2 epilogue: bias (first K slice only), times the routing weight of slot a, into slice `split`. */
DEVICE_FN void gemm2_store(GLOBAL float* out,<#if expertBias> GLOBAL const float* b2,</#if> GLOBAL const float* topk_weights,
                           idx_t e, int p, int a, int n, float acc, int split, int T) {
<#if expertBias>
    if (split == 0) acc += b2[e * HIDDEN + n];
</#if>
    out[((idx_t)split * MAX_PADDED(T) + p) * HIDDEN + n] = acc * topk_weights[a];
}

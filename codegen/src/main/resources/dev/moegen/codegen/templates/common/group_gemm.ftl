<#--
  SIMT GroupGEMM: a work-group of BLOCK_N x BLOCK_M work-items owns a BLOCK_M-row block of the permutation
  (one expert) and BLOCK_N output columns; A and B tiles of depth BLOCK_K are staged in local memory as
  fp32. Blocks past num_tokens_post_padded exit as a whole group. Any device, any dtype.
-->
<#macro group_gemm stage>
<#if stage == 1><#assign K = "HIDDEN" N = "INTER" gatedStage = gated><#else><#assign K = "INTER" N = "HIDDEN" gatedStage = false></#if>
${kq["moe_group_gemm_" + stage]} void moe_group_gemm_${stage}(${sig["moe_group_gemm_" + stage]}) {
    SHARED float As[BLOCK_M][BLOCK_K + 1];
    SHARED float Bs[BLOCK_N][BLOCK_K + 1];
<#if gatedStage>
    SHARED float Bu[BLOCK_N][BLOCK_K + 1];
</#if>
    const int blk = GROUP_ID(1);
    if (blk * BLOCK_M >= num_tokens_post_padded[0]) return;
    const int tx = LOCAL_ID(0), ty = LOCAL_ID(1), tid = ty * BLOCK_N + tx;
    const int n0 = GROUP_ID(0) * BLOCK_N;
    const idx_t e = expert_ids[blk];
    const int sentinel = T * SLOTS;
<@k_slice stage K/>
    float acc = 0.0f;
<#if gatedStage>
    float acc_up = 0.0f;
</#if>
    for (int k0 = kt0 * BLOCK_K; k0 < kt1 * BLOCK_K; k0 += BLOCK_K) {
        for (int i = tid; i < BLOCK_M * BLOCK_K; i += BLOCK_M * BLOCK_N) {
            const int r = i / BLOCK_K, kk = i % BLOCK_K;
            const int a = sorted_token_ids[blk * BLOCK_M + r];
<#if stage == 1>
            As[r][kk] = (a < sentinel && k0 + kk < HIDDEN) ? LOAD_ACT(x, (idx_t)(a / SLOTS) * HIDDEN + k0 + kk) : 0.0f;
<#else>
            As[r][kk] = (a < sentinel && k0 + kk < INTER) ? LOAD_ACT(inter, (idx_t)(blk * BLOCK_M + r) * INTER + k0 + kk) : 0.0f;
</#if>
        }
        for (int i = tid; i < BLOCK_N * BLOCK_K; i += BLOCK_M * BLOCK_N) {
            const int c = i / BLOCK_K, kk = i % BLOCK_K;
            const int n = n0 + c;
            const int ok = n < ${N} && k0 + kk < ${K};
<#if stage == 1>
            Bs[c][kk] = ok ? LOAD_ACT(w13, (e * N1 + n) * HIDDEN + k0 + kk) : 0.0f;
<#if gatedStage>
            Bu[c][kk] = ok ? LOAD_ACT(w13, (e * N1 + INTER + n) * HIDDEN + k0 + kk) : 0.0f;
</#if>
<#else>
            Bs[c][kk] = ok ? LOAD_ACT(w2, (e * HIDDEN + n) * INTER + k0 + kk) : 0.0f;
</#if>
        }
        BARRIER();
        for (int kk = 0; kk < BLOCK_K; ++kk) {
            const float av = As[ty][kk];
            acc += av * Bs[tx][kk];
<#if gatedStage>
            acc_up += av * Bu[tx][kk];
</#if>
        }
        BARRIER();
    }
    const int p = blk * BLOCK_M + ty;
    const int n = n0 + tx;
    if (sorted_token_ids[p] >= sentinel || n >= ${N}) return;
    <@store stage "p" "n" "acc" gatedStage?then("acc_up", "0.0f")/>;
}
</#macro>
<@group_gemm stage=1/>

<@group_gemm stage=2/>

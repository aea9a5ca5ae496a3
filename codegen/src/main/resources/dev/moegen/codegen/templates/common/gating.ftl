/*
 * Fused gating, one work-group per token (one warp on CUDA, with shuffle reductions): scores (softmax |
 * sigmoid), selection scores (+ correction bias), grouped top-k (group score = sum of the group's top-2, or its best),
 * top-k by repeated arg-max (ties to the lower expert), weights from the unbiased scores, renormalise,
 * routed scaling, shared-expert slots; noisy gating (Shazeer et al. 2017) and GShard's second-expert coin draw from
 * the Philox stream keyed by the seed argument.
 */
<#if randomGating>
<#include "random.ftl">

</#if>
#if WARP_REDUCE
/* One warp per token: butterfly shuffles leave every lane with the same (bitwise) result, no shared memory. */
DEVICE_FN void group_argmax(float* v, int* i, LOCAL_PTR float* rv, LOCAL_PTR int* ri, int lid) {
    for (int s = 16; s > 0; s >>= 1) {
        const float w = SHFL_XOR(*v, s);
        const int j = SHFL_XOR(*i, s);
        if (better(w, j, *v, *i)) { *v = w; *i = j; }
    }
}

DEVICE_FN float group_sum(float v, LOCAL_PTR float* rv, int lid) {
    for (int s = 16; s > 0; s >>= 1) v += SHFL_XOR(v, s);
    return v;
}
#else
/* Work-group trees through local memory; every work-item gets the result. */
DEVICE_FN void group_argmax(float* v, int* i, LOCAL_PTR float* rv, LOCAL_PTR int* ri, int lid) {
    rv[lid] = *v; ri[lid] = *i;
    BARRIER();
    for (int s = GATE_WG / 2; s > 0; s >>= 1) {
        if (lid < s && better(rv[lid + s], ri[lid + s], rv[lid], ri[lid])) { rv[lid] = rv[lid + s]; ri[lid] = ri[lid + s]; }
        BARRIER();
    }
    *v = rv[0]; *i = ri[0];
    BARRIER();
}

DEVICE_FN float group_sum(float v, LOCAL_PTR float* rv, int lid) {
    rv[lid] = v;
    BARRIER();
    for (int s = GATE_WG / 2; s > 0; s >>= 1) { if (lid < s) rv[lid] += rv[lid + s]; BARRIER(); }
    v = rv[0];
    BARRIER();
    return v;
}
#endif

${kq.moe_gating} void moe_gating(${sig.moe_gating}) {
    SHARED float s_score[EXPERTS];
    SHARED float s_sel[EXPERTS];
    SHARED float rv[GATE_WG];
    SHARED int ri[GATE_WG];
    SHARED int s_pick[TOP_K];
<#if grouped>
    SHARED float s_group[N_GROUP];
    SHARED int s_keep[N_GROUP];
</#if>
    const int t = GROUP_ID(0), lid = LOCAL_ID(0);
    if (t >= T) return;
    GLOBAL const float* lg = logits + (idx_t)t * ROUTER_ROWS;
    /* the logits row into shared memory once<#if logitsVec4>, 16 bytes per load</#if>; every pass below reads it there */
<#if logitsVec4>
    for (int e4 = lid; e4 < EXPERTS / 4; e4 += GATE_WG) {
        const float4 v = LOAD_FLOAT4(lg, e4);
        s_score[4 * e4] = v.x; s_score[4 * e4 + 1] = v.y; s_score[4 * e4 + 2] = v.z; s_score[4 * e4 + 3] = v.w;
    }
<#else>
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] = lg[e];
</#if>
    BARRIER();
<#if noisy>
    /* noisy top-k gating: H = logits + eps * softplus(noise logits), eps ~ N(0, 1) for (seed, token, expert) */
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] += philox_normal(seed, t, e, 0) * softplusf_(lg[NOISE_ROW + e]);
    BARRIER();
</#if>
<#if scoring == "softmax">
    float m = -INFINITY;
    int m_at = 0;
    for (int e = lid; e < EXPERTS; e += GATE_WG) m = fmax(m, s_score[e]);
    group_argmax(&m, &m_at, rv, ri, lid);
    float sum = 0.0f;
    for (int e = lid; e < EXPERTS; e += GATE_WG) { float v = exp(s_score[e] - m); s_score[e] = v; sum += v; }
    const float inv = 1.0f / group_sum(sum, rv, lid);
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] *= inv;
<#else>
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] = sigmoidf_(s_score[e]);
</#if>
<#if expertChoice>
    /* expert choice: every expert's weight for this token goes out, not chosen yet (-1 - e); moe_expert_choice then
     * marks each expert's C best tokens */
    for (int e = lid; e < EXPERTS; e += GATE_WG) {
        topk_ids[(idx_t)t * SLOTS + e] = -1 - e;
        topk_weights[(idx_t)t * SLOTS + e] = s_score[e] * ${routedScaling}f;
    }
<#else>
    for (int e = lid; e < EXPERTS; e += GATE_WG)
        s_sel[e] = rank_key(s_score[e]<#if correctionBias> + e_score_correction_bias[e]</#if>);
    BARRIER();
<#if grouped>
    /* Group scores (sum of each group's top 2) in parallel; one work-item keeps the best TOPK_GROUP groups;
     * experts of the other groups drop out. Shared arrays, not per-thread ones: no stack frame. */
    for (int g = lid; g < N_GROUP; g += GATE_WG) {
        float b1 = -INFINITY, b2 = -INFINITY;
        for (int j = 0; j < PER_GROUP; ++j) { float v = s_sel[g * PER_GROUP + j]; if (v > b1) { b2 = b1; b1 = v; } else if (v > b2) b2 = v; }
<#if groupMax>
        s_group[g] = rank_key(b1); /* group_limited_greedy (DeepSeek-V2): the group's best */
<#else>
        s_group[g] = rank_key(b1 + b2);
</#if>
        s_keep[g] = 0;
    }
    BARRIER();
    if (lid == 0)
        for (int k = 0; k < TOPK_GROUP; ++k) {
            int bi = -1; float bv = -INFINITY;
            for (int g = 0; g < N_GROUP; ++g) if (!s_keep[g] && (bi < 0 || better(s_group[g], g, bv, bi))) { bv = s_group[g]; bi = g; }
            s_keep[bi] = 1;
        }
    BARRIER();
    for (int e = lid; e < EXPERTS; e += GATE_WG) if (!s_keep[e / PER_GROUP]) s_sel[e] = EXCLUDED;
    BARRIER();
</#if>
#if GATE_WG == 1
    /* One work-item per token (CPUs): one pass that keeps the best TOP_K in order, by insertion. `better` is a strict
     * total order (value, then lower index), so these are exactly the picks of TOP_K arg-max rounds, in their order. */
    {
        float tv[TOP_K];
        int ti[TOP_K], have = 0;
        for (int e = 0; e < EXPERTS; ++e) {
            const float v = s_sel[e];
            if (isnan(v) || (have == TOP_K && !better(v, e, tv[TOP_K - 1], ti[TOP_K - 1]))) continue;
            int j = have < TOP_K ? have++ : TOP_K - 1;
            for (; j > 0 && better(v, e, tv[j - 1], ti[j - 1]); --j) { tv[j] = tv[j - 1]; ti[j] = ti[j - 1]; }
            tv[j] = v; ti[j] = e;
        }
        /* validation keeps >= TOP_K pickable experts, so have == TOP_K; the fill keeps every store in bounds regardless */
        for (int k = 0; k < TOP_K; ++k) s_pick[k] = k < have ? ti[k] : EXPERTS - 1;
    }
#else
    for (int k = 0; k < TOP_K; ++k) {
        float bv = -INFINITY; int bi = EXPERTS;
        for (int e = lid; e < EXPERTS; e += GATE_WG) if (!isnan(s_sel[e]) && better(s_sel[e], e, bv, bi)) { bv = s_sel[e]; bi = e; }
        group_argmax(&bv, &bi, rv, ri, lid);
        /* validation keeps >= TOP_K pickable experts, so bi < EXPERTS; the clamp keeps every store in bounds regardless */
        if (bi >= EXPERTS) bi = EXPERTS - 1;
        if (lid == 0) { s_pick[k] = bi; s_sel[bi] = EXCLUDED; }
        BARRIER();
    }
#endif
    if (lid == 0) {
        float wsum = 0.0f;
<#if renormP == "1.0">
        for (int k = 0; k < TOP_K; ++k) wsum += s_score[s_pick[k]];
<#else>
        /* the picked weights' ${renormP}-norm (DBRX's moe_normalize_expert_weights); w^p as exp(p log w), 0 for w = 0 */
        for (int k = 0; k < TOP_K; ++k) wsum += exp(${renormP}f * log(s_score[s_pick[k]]));
        wsum = exp(log(wsum) / ${renormP}f);
</#if>
        const idx_t o = (idx_t)t * SLOTS;
        for (int k = 0; k < TOP_K; ++k) {
            float w = s_score[s_pick[k]];
<#if renormalize>
            w /= wsum;
</#if>
            topk_ids[o + k] = s_pick[k];
<#if randomSecond>
            /* GShard: the second pick is dispatched only if 2 g2 > u; otherwise its id reads -1 - e (dropped, expert kept) */
            if (k == 1 && !(2.0f * w > philox_uniform(seed, t, 0, 1))) topk_ids[o + k] = -1 - s_pick[k];
</#if>
            topk_weights[o + k] = w * ${routedScaling}f;
        }
    }
</#if>
<#if sharedSlices gt 0>
    if (lid == 0) {
        const idx_t o = (idx_t)t * SLOTS + ROUTED_SLOTS;
        const float shared_w = <#if sharedGated>sigmoidf_(lg[EXPERTS])<#else>1.0f</#if>;
        for (int s = 0; s < ${sharedSlices}; ++s) { topk_ids[o + s] = EXPERTS + s; topk_weights[o + s] = shared_w; }
    }
</#if>
}
<#if expertChoice>

<#include "expert_choice.ftl">
</#if>

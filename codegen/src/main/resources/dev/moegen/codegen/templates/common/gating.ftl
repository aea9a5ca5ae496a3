/*
 * Fused gating, one work-group per token: scores (softmax | sigmoid), selection scores (+ correction
 * bias), grouped top-k (group score = sum of the group's top-2), top-k by repeated arg-max (ties to the
 * lower expert), weights from the unbiased scores, renormalise, routed scaling, shared-expert slots.
 */
DEVICE_FN void argmax_reduce(LOCAL_PTR float* rv, LOCAL_PTR int* ri, int lid) {
    for (int s = GATE_WG / 2; s > 0; s >>= 1) {
        if (lid < s && better(rv[lid + s], ri[lid + s], rv[lid], ri[lid])) { rv[lid] = rv[lid + s]; ri[lid] = ri[lid + s]; }
        BARRIER();
    }
}

KERNEL void moe_gating(GLOBAL const float* logits,<#if correctionBias> GLOBAL const float* e_score_correction_bias,</#if>
                       GLOBAL int* topk_ids, GLOBAL float* topk_weights, int T) {
    SHARED float s_score[EXPERTS];
    SHARED float s_sel[EXPERTS];
    SHARED float rv[GATE_WG];
    SHARED int ri[GATE_WG];
    SHARED int s_pick[TOP_K];
    const int t = GROUP_ID(0), lid = LOCAL_ID(0);
    if (t >= T) return;
    GLOBAL const float* lg = logits + (idx_t)t * ROUTER_ROWS;
<#if scoring == "softmax">
    float m = -INFINITY;
    for (int e = lid; e < EXPERTS; e += GATE_WG) m = fmax(m, lg[e]);
    rv[lid] = m; ri[lid] = 0;
    BARRIER();
    argmax_reduce(rv, ri, lid);
    m = rv[0];
    BARRIER();
    float sum = 0.0f;
    for (int e = lid; e < EXPERTS; e += GATE_WG) { float v = exp(lg[e] - m); s_score[e] = v; sum += v; }
    rv[lid] = sum;
    BARRIER();
    for (int s = GATE_WG / 2; s > 0; s >>= 1) { if (lid < s) rv[lid] += rv[lid + s]; BARRIER(); }
    const float inv = 1.0f / rv[0];
    BARRIER();
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] *= inv;
<#else>
    for (int e = lid; e < EXPERTS; e += GATE_WG) s_score[e] = sigmoidf_(lg[e]);
</#if>
    for (int e = lid; e < EXPERTS; e += GATE_WG)
        s_sel[e] = s_score[e]<#if correctionBias> + e_score_correction_bias[e]</#if>;
    BARRIER();
<#if grouped>
    /* Group scores by one work-item (N_GROUP is small); then keep the best TOPK_GROUP groups. */
    if (lid == 0) {
        float gs[N_GROUP];
        for (int g = 0; g < N_GROUP; ++g) {
            float b1 = -INFINITY, b2 = -INFINITY;
            int i1 = -1;
            for (int j = 0; j < PER_GROUP; ++j) { float v = s_sel[g * PER_GROUP + j]; if (v > b1) { b2 = b1; b1 = v; i1 = j; } else if (v > b2) b2 = v; }
            gs[g] = b1 + b2;
        }
        int keep[N_GROUP];
        for (int g = 0; g < N_GROUP; ++g) keep[g] = 0;
        for (int k = 0; k < TOPK_GROUP; ++k) {
            int bi = -1; float bv = -INFINITY;
            for (int g = 0; g < N_GROUP; ++g) if (!keep[g] && (bi < 0 || better(gs[g], g, bv, bi))) { bv = gs[g]; bi = g; }
            keep[bi] = 1;
        }
        for (int g = 0; g < N_GROUP; ++g) if (!keep[g]) for (int j = 0; j < PER_GROUP; ++j) s_sel[g * PER_GROUP + j] = -INFINITY;
    }
    BARRIER();
</#if>
    for (int k = 0; k < TOP_K; ++k) {
        float bv = -INFINITY; int bi = EXPERTS;
        for (int e = lid; e < EXPERTS; e += GATE_WG) if (better(s_sel[e], e, bv, bi)) { bv = s_sel[e]; bi = e; }
        rv[lid] = bv; ri[lid] = bi;
        BARRIER();
        argmax_reduce(rv, ri, lid);
        if (lid == 0) { s_pick[k] = ri[0]; s_sel[ri[0]] = -INFINITY; }
        BARRIER();
    }
    if (lid == 0) {
        float wsum = 0.0f;
        for (int k = 0; k < TOP_K; ++k) wsum += s_score[s_pick[k]];
        const idx_t o = (idx_t)t * SLOTS;
        for (int k = 0; k < TOP_K; ++k) {
            float w = s_score[s_pick[k]];
<#if renormalize>
            w /= wsum;
</#if>
            topk_ids[o + k] = s_pick[k];
            topk_weights[o + k] = w * ${routedScaling}f;
        }
<#if sharedSlices gt 0>
        const float shared_w = <#if sharedGated>sigmoidf_(lg[EXPERTS])<#else>1.0f</#if>;
        for (int s = 0; s < ${sharedSlices}; ++s) { topk_ids[o + TOP_K + s] = EXPERTS + s; topk_weights[o + TOP_K + s] = shared_w; }
</#if>
    }
}

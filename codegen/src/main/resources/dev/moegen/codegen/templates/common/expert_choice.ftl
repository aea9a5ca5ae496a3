/*
 * Expert choice (Zhou et al. 2022), one work-group of SCAN_WG per expert: the expert takes the `chosen` tokens with the
 * highest weights in its column of topk_weights (a NaN ranks lowest, ties to the lower token) and marks them in
 * topk_ids (slot e = e; the gating left -1 - e). No sort and no atomics:
 *   1. the C-th largest key, bit by bit from the top: the largest v with #(key >= v) >= C (32 counting passes)
 *   2. tokens above v are chosen; of those equal to v, the first C - #above in token order (a prefix over work-items,
 *      each holding a contiguous run of tokens)
 */
/* Float order as unsigned order; a NaN ranks as -inf. */
DEVICE_FN uint ec_key(float v) {
    const uint u = AS_UINT(rank_key(v));
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

/* The work-group's sum of v; every work-item must call it (it has barriers). */
DEVICE_FN int ec_sum(int v, LOCAL_PTR int* red, int lid) {
    red[lid] = v;
    BARRIER();
    for (int s = SCAN_WG / 2; s > 0; s >>= 1) { if (lid < s) red[lid] += red[lid + s]; BARRIER(); }
    v = red[0];
    BARRIER();
    return v;
}

${kq.moe_expert_choice} void moe_expert_choice(${sig.moe_expert_choice}) {
    SHARED int red[SCAN_WG];
    const int e = GROUP_ID(0), lid = LOCAL_ID(0);
    GLOBAL const float* col = topk_weights + e; /* token t's weight for expert e at col[t * SLOTS] */
    uint v = 0u;
    for (int bit = 31; bit >= 0; --bit) {
        const uint cand = v | (1u << bit);
        int n = 0;
        for (int t = lid; t < T; t += SCAN_WG) n += ec_key(col[(idx_t)t * SLOTS]) >= cand;
        if (ec_sum(n, red, lid) >= chosen) v = cand;
    }
    const int per = (T + SCAN_WG - 1) / SCAN_WG, t0 = lid * per, t1 = t0 + per < T ? t0 + per : T;
    int above = 0, equal = 0;
    for (int t = t0; t < t1; ++t) {
        const uint k = ec_key(col[(idx_t)t * SLOTS]);
        above += k > v;
        equal += k == v;
    }
    const int need = chosen - ec_sum(above, red, lid);
    red[lid] = equal;
    BARRIER();
    if (lid == 0) { int acc = 0; for (int i = 0; i < SCAN_WG; ++i) { const int x = red[i]; red[i] = acc; acc += x; } }
    BARRIER();
    int rank = red[lid];
    for (int t = t0; t < t1; ++t) {
        const uint k = ec_key(col[(idx_t)t * SLOTS]);
        if (k > v || (k == v && rank++ < need)) topk_ids[(idx_t)t * SLOTS + e] = e;
    }
}

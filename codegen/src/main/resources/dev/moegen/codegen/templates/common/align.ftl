/*
 * Block-padded permutation as a stable counting sort, for any expert count and any T:
 *   1. moe_align_count   one work-item per chunk of ALIGN_CHUNK assignments: counts[chunk][expert]
 *   2. moe_align_scan    one work-group: per expert, exclusive prefix over chunks (the rank base of
 *                        each chunk), kept = min(total, capacity) for routed experts, padded to BLOCK_M;
 *                        exclusive scan of the padded counts -> expert_start; expert id per block;
 *                        sentinel in each expert's padding; num_tokens_post_padded
 *   3. moe_align_scatter one work-item per chunk, in assignment order: rank -> sorted position or
 *                        dropped (rank >= capacity); writes sorted_token_ids and slot_position.
 * Ranks follow flat (token, slot) order, so the result is deterministic and the earliest tokens
 * keep their place under a capacity limit.
 */
${kq.moe_align_count} void moe_align_count(${sig.moe_align_count}) {
    const idx_t c = GLOBAL_ID(0);
    const idx_t n = (idx_t)T * SLOTS;
    const idx_t chunks = (n + ALIGN_CHUNK - 1) / ALIGN_CHUNK;
    if (c >= chunks) return;
    GLOBAL int* row = chunk_counts + c * ALL_EXPERTS;
    for (int e = 0; e < ALL_EXPERTS; ++e) row[e] = 0;
    const idx_t end = (c + 1) * ALIGN_CHUNK < n ? (c + 1) * ALIGN_CHUNK : n;
    for (idx_t a = c * ALIGN_CHUNK; a < end; ++a) {
        const int e = topk_ids[a];
        if ((uint)e < (uint)ALL_EXPERTS) row[e] += 1; /* an id out of range is dropped, never an address */
    }
}

${kq.moe_align_scan} void moe_align_scan(${sig.moe_align_scan}) {
    SHARED int part[SCAN_WG];
    const int lid = LOCAL_ID(0);
    const idx_t n = (idx_t)T * SLOTS;
    const int chunks = (int)((n + ALIGN_CHUNK - 1) / ALIGN_CHUNK);
    const int per = (ALL_EXPERTS + SCAN_WG - 1) / SCAN_WG;
    const int e0 = lid * per, e1 = e0 + per < ALL_EXPERTS ? e0 + per : ALL_EXPERTS;
    int mine = 0;
    for (int e = e0; e < e1; ++e) {
        int run = 0;
        for (int c = 0; c < chunks; ++c) { GLOBAL int* p = chunk_counts + (idx_t)c * ALL_EXPERTS + e; int v = *p; *p = run; run += v; }
        int kept = (e < EXPERTS && run > capacity) ? capacity : run;
        expert_kept[e] = kept;
        mine += (kept + BLOCK_M - 1) / BLOCK_M * BLOCK_M;
    }
    part[lid] = mine;
    BARRIER();
    if (lid == 0) {
        int acc = 0;
        for (int i = 0; i < SCAN_WG; ++i) { int v = part[i]; part[i] = acc; acc += v; }
        num_tokens_post_padded[0] = acc;
    }
    BARRIER();
    int start = part[lid];
    for (int e = e0; e < e1; ++e) {
        const int kept = expert_kept[e];
        const int padded = (kept + BLOCK_M - 1) / BLOCK_M * BLOCK_M;
        expert_start[e] = start;
        for (int b = start / BLOCK_M; b < (start + padded) / BLOCK_M; ++b) expert_ids[b] = e;
        for (int p = start + kept; p < start + padded; ++p) sorted_token_ids[p] = (int)n;
        start += padded;
    }
}

${kq.moe_align_scatter} void moe_align_scatter(${sig.moe_align_scatter}) {
    const idx_t c = GLOBAL_ID(0);
    const idx_t n = (idx_t)T * SLOTS;
    const idx_t chunks = (n + ALIGN_CHUNK - 1) / ALIGN_CHUNK;
    if (c >= chunks) return;
    GLOBAL int* cursor = chunk_counts + c * ALL_EXPERTS;
    const idx_t end = (c + 1) * ALIGN_CHUNK < n ? (c + 1) * ALIGN_CHUNK : n;
    for (idx_t a = c * ALIGN_CHUNK; a < end; ++a) {
        const int e = topk_ids[a];
        if ((uint)e >= (uint)ALL_EXPERTS) { slot_position[a] = -1; continue; }
        const int rank = cursor[e]++;
        if (e < EXPERTS && rank >= capacity) { slot_position[a] = -1; continue; }
        const int pos = expert_start[e] + rank;
        sorted_token_ids[pos] = (int)a;
        slot_position[a] = pos;
    }
}

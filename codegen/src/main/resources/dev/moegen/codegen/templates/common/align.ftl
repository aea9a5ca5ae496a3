/*
 * Block-padded permutation as a stable counting sort, for any expert count and any T:
 *   1. count    one work-item per chunk of ALIGN_CHUNK assignments: counts[chunk][expert]
 *   2. scan     one work-group: per expert, exclusive prefix over chunks (the rank base of
 *               each chunk), kept = min(total, capacity) for routed experts, padded to BLOCK_M;
 *               exclusive scan of the padded counts -> expert_start; expert id per block;
 *               sentinel in each expert's padding; num_tokens_post_padded
 *   3. scatter  one work-item per chunk, in assignment order: rank -> sorted position or
 *               dropped (rank >= capacity); writes sorted_token_ids and slot_position.
 * moe_align_count / _scan / _scatter run the steps as three launches, chunks spread over the device;
 * moe_align_fused runs all three in one work-group when it has a work-item per chunk (decode: one
 * launch instead of three). Ranks follow flat (token, slot) order, so the result is deterministic and the
 * earliest tokens keep their place under a capacity limit.
 * Per-sequence capacity (SEQ_CAPACITY > 0, HF Switch's expert_capacity, GShard's groups): a chunk is one
 * sequence, the scan caps each (chunk, expert) count at SEQ_CAPACITY and records where each chunk's kept run
 * ends (the second half of chunk_counts), and the scatter drops a chunk's assignments past that end.
 */
DEVICE_FN void align_count_chunk(GLOBAL const int* topk_ids, GLOBAL int* chunk_counts, idx_t c, idx_t n) {
    GLOBAL int* row = chunk_counts + c * ALL_EXPERTS;
    for (int e = 0; e < ALL_EXPERTS; ++e) row[e] = 0;
    const idx_t end = (c + 1) * ALIGN_CHUNK < n ? (c + 1) * ALIGN_CHUNK : n;
    for (idx_t a = c * ALIGN_CHUNK; a < end; ++a) {
        const int e = topk_ids[a];
        if ((uint)e < (uint)ALL_EXPERTS) row[e] += 1; /* an id out of range is dropped, never an address */
    }
}

/* Step 2 by one work-group of SCAN_WG work-items (every one must call it: it has barriers). */
DEVICE_FN void align_scan_group(GLOBAL int* chunk_counts, GLOBAL int* expert_start, GLOBAL int* expert_kept, GLOBAL int* sorted_token_ids,
                                GLOBAL int* expert_ids, GLOBAL int* num_tokens_post_padded, LOCAL_PTR int* part, idx_t n, int capacity) {
    const int lid = LOCAL_ID(0);
    const int chunks = (int)((n + ALIGN_CHUNK - 1) / ALIGN_CHUNK);
    const int per = (ALL_EXPERTS + SCAN_WG - 1) / SCAN_WG;
    const int e0 = lid * per, e1 = e0 + per < ALL_EXPERTS ? e0 + per : ALL_EXPERTS;
    int mine = 0;
    for (int e = e0; e < e1; ++e) {
        int run = 0;
        for (int c = 0; c < chunks; ++c) {
            GLOBAL int* p = chunk_counts + (idx_t)c * ALL_EXPERTS + e;
            int v = *p;
            *p = run;
#if SEQ_CAPACITY
            if (e < EXPERTS && v > SEQ_CAPACITY) v = SEQ_CAPACITY;
            p[(idx_t)chunks * ALL_EXPERTS] = run + v; /* where this chunk's kept run ends */
#endif
            run += v;
        }
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

DEVICE_FN void align_scatter_chunk(GLOBAL const int* topk_ids, GLOBAL int* chunk_counts, GLOBAL const int* expert_start, GLOBAL int* sorted_token_ids,
                                   GLOBAL int* slot_position, idx_t c, idx_t n, int capacity) {
    GLOBAL int* cursor = chunk_counts + c * ALL_EXPERTS;
#if SEQ_CAPACITY
    const idx_t chunks = (n + ALIGN_CHUNK - 1) / ALIGN_CHUNK;
#endif
    const idx_t end = (c + 1) * ALIGN_CHUNK < n ? (c + 1) * ALIGN_CHUNK : n;
    for (idx_t a = c * ALIGN_CHUNK; a < end; ++a) {
        const int e = topk_ids[a];
        if ((uint)e >= (uint)ALL_EXPERTS) { slot_position[a] = -1; continue; }
        const int rank = cursor[e]++;
#if SEQ_CAPACITY
        if (rank >= cursor[(idx_t)chunks * ALL_EXPERTS + e]) { slot_position[a] = -1; continue; }
#endif
        if (e < EXPERTS && rank >= capacity) { slot_position[a] = -1; continue; }
        const int pos = expert_start[e] + rank;
        sorted_token_ids[pos] = (int)a;
        slot_position[a] = pos;
    }
}

${kq.moe_align_count} void moe_align_count(${sig.moe_align_count}) {
    const idx_t c = GLOBAL_ID(0), n = (idx_t)T * SLOTS;
    if (c < (n + ALIGN_CHUNK - 1) / ALIGN_CHUNK) align_count_chunk(topk_ids, chunk_counts, c, n);
}

${kq.moe_align_scan} void moe_align_scan(${sig.moe_align_scan}) {
    SHARED int part[SCAN_WG];
    align_scan_group(chunk_counts, expert_start, expert_kept, sorted_token_ids, expert_ids, num_tokens_post_padded, part, (idx_t)T * SLOTS, capacity);
}

${kq.moe_align_scatter} void moe_align_scatter(${sig.moe_align_scatter}) {
    const idx_t c = GLOBAL_ID(0), n = (idx_t)T * SLOTS;
    if (c < (n + ALIGN_CHUNK - 1) / ALIGN_CHUNK) align_scatter_chunk(topk_ids, chunk_counts, expert_start, sorted_token_ids, slot_position, c, n, capacity);
}

/* All three steps in one work-group; the host launches it only when chunks <= SCAN_WG. */
${kq.moe_align_fused} void moe_align_fused(${sig.moe_align_fused}) {
    SHARED int part[SCAN_WG];
    /* chunks <= SCAN_WG here, so each work-item has at most one chunk */
    const idx_t n = (idx_t)T * SLOTS;
    const int c = LOCAL_ID(0), mine = (idx_t)c * ALIGN_CHUNK < n;
    if (mine) align_count_chunk(topk_ids, chunk_counts, c, n);
    BARRIER();
    align_scan_group(chunk_counts, expert_start, expert_kept, sorted_token_ids, expert_ids, num_tokens_post_padded, part, n, capacity);
    BARRIER();
    if (mine) align_scatter_chunk(topk_ids, chunk_counts, expert_start, sorted_token_ids, slot_position, c, n, capacity);
}

<#-- the load statistics read the permutation's expert_kept; included here so the GroupGEMM templates' hash (the tuned database's key) stays apart -->
<#include "load_stats.ftl">

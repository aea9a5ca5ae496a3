/*
 * Block-padded permutation as a stable counting sort, for any expert count and any T:
 *   1. count    one work-item per chunk of ALIGN_CHUNK assignments: counts[chunk][expert]
 *   2. scan     one work-group: per expert, exclusive prefix over chunks (the rank base of
 *               each chunk; segments of chunks side by side), kept = min(total, capacity) for routed
 *               experts, padded to BLOCK_M; exclusive scan of the padded counts in local memory
 *               -> expert_start; expert id per block;
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

/*
 * Step 2 by one work-group of SCAN_WG work-items (every one must call it: it has barriers). Where the group has at
 * least two work-items per expert, each expert's chunks are cut into ALIGN_SEGS segments scanned side by side
 * (a segment's sum, the segments' prefix, then the segment again from its offset), so no work-item walks every
 * chunk; with more experts than that, a work-item takes whole experts. The experts' padded sizes are then scanned
 * in local memory in log2(SCAN_WG) steps.
 */
#define ALIGN_SEGS (SCAN_WG >= 2 * ALL_EXPERTS ? SCAN_WG / ALL_EXPERTS : 1)

/* A chunk's count as the scan adds it: capped per sequence where SEQ_CAPACITY is set. */
DEVICE_FN int align_scan_count(int v, int e) {
#if SEQ_CAPACITY
    if (e < EXPERTS && v > SEQ_CAPACITY) v = SEQ_CAPACITY;
#endif
    return v;
}

DEVICE_FN void align_scan_group(GLOBAL int* chunk_counts, GLOBAL int* expert_start, GLOBAL int* expert_kept, GLOBAL int* sorted_token_ids,
                                GLOBAL int* expert_ids, GLOBAL int* num_tokens_post_padded, LOCAL_PTR int* part, idx_t n, int capacity) {
    const int lid = LOCAL_ID(0);
    const int chunks = (int)((n + ALIGN_CHUNK - 1) / ALIGN_CHUNK);
#if ALIGN_SEGS > 1
    /* work-item (segment, expert), experts adjacent so a row of chunk_counts is read by neighbouring work-items */
    const int seg = lid / ALL_EXPERTS, e0 = lid % ALL_EXPERTS, e1 = seg < ALIGN_SEGS ? e0 + 1 : e0;
    const int len = (chunks + ALIGN_SEGS - 1) / ALIGN_SEGS;
    const int c0 = seg * len < chunks ? seg * len : chunks, c1 = c0 + len < chunks ? c0 + len : chunks;
    int sum = 0;
    for (int e = e0; e < e1; ++e)
        for (int c = c0; c < c1; ++c) sum += align_scan_count(chunk_counts[(idx_t)c * ALL_EXPERTS + e], e);
    part[lid] = sum;
    BARRIER();
    int total = 0;
    if (seg == 0) /* the expert's owner: exclusive prefix of its segments, in place */
        for (int s = 0; s < ALIGN_SEGS; ++s) { const int v = part[s * ALL_EXPERTS + e0]; part[s * ALL_EXPERTS + e0] = total; total += v; }
    BARRIER();
    const int offset = part[lid];
    BARRIER(); /* part is reused for the padded sizes below */
#else
    const int per = (ALL_EXPERTS + SCAN_WG - 1) / SCAN_WG;
    const int seg = 0, e0 = lid * per < ALL_EXPERTS ? lid * per : ALL_EXPERTS, e1 = e0 + per < ALL_EXPERTS ? e0 + per : ALL_EXPERTS;
    const int c0 = 0, c1 = chunks, offset = 0;
    int total = 0;
#endif
    int mine = 0;
    for (int e = e0; e < e1; ++e) {
        int run = offset;
        for (int c = c0; c < c1; ++c) {
            GLOBAL int* p = chunk_counts + (idx_t)c * ALL_EXPERTS + e;
            const int v = align_scan_count(*p, e);
            *p = run;
#if SEQ_CAPACITY
            p[(idx_t)chunks * ALL_EXPERTS] = run + v; /* where this chunk's kept run ends */
#endif
            run += v;
        }
#if ALIGN_SEGS == 1
        total = run;
#endif
        if (seg == 0) {
            const int kept = (e < EXPERTS && total > capacity) ? capacity : total;
            expert_kept[e] = kept;
            mine += (kept + BLOCK_M - 1) / BLOCK_M * BLOCK_M;
        }
    }
    /* inclusive scan of the padded sizes over the work-items (Hillis-Steele) */
    part[lid] = mine;
    BARRIER();
    for (int off = 1; off < SCAN_WG; off <<= 1) {
        const int v = lid >= off ? part[lid - off] : 0;
        BARRIER();
        part[lid] += v;
        BARRIER();
    }
    if (lid == SCAN_WG - 1) num_tokens_post_padded[0] = part[lid];
    int start = part[lid] - mine;
    if (seg == 0)
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

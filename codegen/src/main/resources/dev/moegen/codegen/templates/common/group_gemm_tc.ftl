<#--
  Tensor-core GroupGEMM. One block of GEMM_THREADS per (BLOCK_M-row tile, BLOCK_N-column tile); tiles are
  numbered along one grid axis in GROUP_M order, so GROUP_M row tiles walk the column tiles together and
  each weight tile comes from DRAM once per group. A rows are gathered through sorted_token_ids into shared
  memory by 16-byte asynchronous copies, STAGES deep. The B tile holds the gate rows and then (gated) the
  up rows of the same columns, so one staged tile feeds both products and the epilogue finds gate and up
  of an output in the same thread. Each thread always copies the same 16-byte column of the same rows of
  a tile, so where its chunks come from (the gathered token rows, the expert's weight rows) is worked out
  once before the k loop; a k step adds k0 (the row table in shared memory is not re-read behind every
  barrier, and no division or 64-bit row product is left in the loop).
  Math per architecture (USE_WGMMA from the backend's tensor-core header):
    wgmma: warpgroups of 4 warps issue m64nNk16 wgmma.mma_async on 128-byte-swizzled tiles (N = B rows);
    mma:   each warp owns a WM x WN sub-tile of m16n8k16 mma.sync fragments read from padded tiles.
  Both leave each thread an fp32 accumulator per (row, column) it owns, in the same C-fragment pattern:
  rows g and g + 8 of a 16-row slab, columns 2·t4 and 2·t4 + 1 of each 8-column block.
  wgmma is asynchronous: one k tile's group stays in flight while the next is issued (wgmma.wait_group 1),
  so the stage it reads is refilled one iteration later than mma.sync's: LOOKAHEAD = STAGES - 1 - MMA_IN_FLIGHT
  tiles load ahead, and the slot refilled in iteration kt is tile kt - 1 - MMA_IN_FLIGHT's, which every
  thread has retired before the barrier at the top of the iteration.
  With PRODUCER (wgmma only) the kernel is warp specialised and persistent instead: see the USE_WS body below
  (a producer warpgroup gathers A and loads the weights by TMA, mbarriers hand the stages over, each block walks
  several tiles).
-->
#define TILE_STRIDE (BLOCK_K + 8)
#define MMA_IN_FLIGHT USE_WGMMA
#define LOOKAHEAD (STAGES - 1 - MMA_IN_FLIGHT)
/* the copy pattern: a thread's tile column (BLOCK_K / 8 divides the thread count) and its rows, ROW_STEP apart */
#define CHUNKS_K (BLOCK_K / 8)
#define ROW_STEP (GEMM_THREADS / CHUNKS_K)
#define PASSES(rows) (((rows) + ROW_STEP - 1) / ROW_STEP)
#define PASS_ROW(rows, r0, p) ((rows) % ROW_STEP == 0 || (r0) + (p) * ROW_STEP < (rows))
/* warp specialisation (wgmma with PRODUCER): a producer warpgroup after the MATH_THREADS math threads */
#define USE_WS (USE_WGMMA && PRODUCER)
#define MBAR(bars, i) ((bars) + 16 * (i))

#define WM (BLOCK_M / WARPS_M)
#define WN (BLOCK_N / WARPS_N)
#define MI (WM / 16)
#define NI (WN / 8)

/* Element offset of (r, c) in a staged tile of `rows` rows x BLOCK_K. */
DEVICE_FN int tile_offset(int r, int c, int rows) {
#if USE_WGMMA
    /* 64-element (128-byte) column blocks; within one, 16-byte chunk j of row r is stored at chunk j ^ (r % 8) */
    return (c / 64) * rows * 64 + r * 64 + ((((c % 64) >> 3) ^ (r & 7)) << 3) + (c & 7);
#else
    return r * TILE_STRIDE + c;
#endif
}

#define TILE_ELEMS(rows) ((rows) * (USE_WGMMA ? BLOCK_K : TILE_STRIDE))
#define LD_SHARED_U32(p) (*(LOCAL_PTR const uint*)(p))
/* A thread's two adjacent outputs (n even; N, H and I multiples of 8) leave in one 4-byte (GEMM 1, 16-bit) or
   8-byte (GEMM 2, fp32) store instead of two. */
<#if dtype == "bf16">
#define STORE_ACT_PAIR(p, i, a, b) (*(GLOBAL uint*)((p) + (i)) = (uint)float_to_bf16(a) | ((uint)float_to_bf16(b) << 16))
<#else>
#define STORE_ACT_PAIR(p, i, a, b) STORE_HALF_PAIR(p, i, a, b)
</#if>

DEVICE_FN void gemm1_store_pair(GLOBAL act_t* out,<#if expertBias> GLOBAL const float* b13,</#if> idx_t e, int p, int n, float g0, float u0, float g1, float u1) {
<#if expertBias>
    g0 += b13[e * N1 + n];
    g1 += b13[e * N1 + n + 1];
<#if gated>
    u0 += b13[e * N1 + INTER + n];
    u1 += b13[e * N1 + INTER + n + 1];
</#if>
</#if>
    STORE_ACT_PAIR(out, (idx_t)p * INTER + n, activate(g0, u0), activate(g1, u1));
}

DEVICE_FN void gemm2_store_pair(GLOBAL float* out,<#if expertBias> GLOBAL const float* b2,</#if> GLOBAL const float* topk_weights,
                                idx_t e, int p, int a, int n, float c0, float c1, int split, int T) {
<#if expertBias>
    if (split == 0) {
        c0 += b2[e * HIDDEN + n];
        c1 += b2[e * HIDDEN + n + 1];
    }
</#if>
    const float w = topk_weights[a];
    STORE_FLOAT_PAIR(out, ((idx_t)split * MAX_PADDED(T) + p) * HIDDEN + n, c0 * w, c1 * w);
}
#if SPLIT_K1 > 1
/* GroupGEMM 1 in K slices (decode): a slice's raw gate and up sums of outputs (p, n), (p, n + 1), in fp32 */
DEVICE_FN void gemm1_partial_pair(GLOBAL float* partials, int split, int T, int p, int n, float g0, float u0, float g1, float u1) {
    GLOBAL float* row = partials + ((idx_t)split * MAX_PADDED(T) + p) * N1;
    STORE_FLOAT_PAIR(row, n, g0, g1);
<#if gated>
    STORE_FLOAT_PAIR(row, INTER + n, u0, u1);
</#if>
}
#define GEMM1_PAIR(p, n, g0, u0, g1, u1) (splits > 1 ? gemm1_partial_pair(gemm1_partials, split, T, p, n, g0, u0, g1, u1) \
                                                  : gemm1_store_pair(out,<#if expertBias> b13,</#if> e, p, n, g0, u0, g1, u1))
#else
#define GEMM1_PAIR(p, n, g0, u0, g1, u1) gemm1_store_pair(out,<#if expertBias> b13,</#if> e, p, n, g0, u0, g1, u1)
#endif
<#-- The pair store of outputs (p, n) and (p, n + 1): gate/up pairs for stage 1 (a K slice's raw sums where GroupGEMM 1 is split), accumulators for stage 2. -->
<#macro store_pair stage p n a0 a1 u0 u1><#if stage == 1>GEMM1_PAIR(${p}, ${n}, ${a0}, ${u0}, ${a1}, ${u1})<#else>gemm2_store_pair(out,<#if expertBias> b2,</#if> topk_weights, e, ${p}, sorted_token_ids[${p}], ${n}, ${a0}, ${a1}, split, T)</#if></#macro>
#if USE_WGMMA

<#include "wgmma_desc.ftl">
<#list wgmmaTiles as t>

/* Issues one BLOCK_K tile of GEMM ${t.stage}: BLOCK_K / 16 steps of m64n${t.n}k16 (a: this warpgroup's 64 rows); accumulate = 0
 * starts the sums afresh (a tile's first k tile); the caller commits and waits. */
DEVICE_FN void wgmma_tile_${t.stage}(float* acc, LOCAL_PTR const ushort* a, LOCAL_PTR const ushort* b, int accumulate WGMMA_PARAMS) {
    WGMMA_FENCE();
#pragma unroll
    for (int kk = 0; kk < BLOCK_K; kk += 16)
        wgmma_m64n${t.n}(acc, wgmma_desc(WGMMA_ADDR(a + tile_offset(0, kk, BLOCK_M))),
                       wgmma_desc(WGMMA_ADDR(b + tile_offset(0, kk, ${t.n}))), kk > 0 || accumulate WGMMA_ARGS);
}
</#list>
#endif

<#-- The ws_* macros run inside group_gemm_tc and read the names it assigns for its stage (K, N, A, W, BR, gatedStage). -->
<#-- Tile t of the valid ones (the padded rows num_tokens_post_padded, a prefix) in GROUP_M order: pid_m, pid_n. -->
<#macro ws_tile t>
            const int t_ = ${t}, per_group_ = GROUP_M * num_n, first_m_ = t_ / per_group_ * GROUP_M, rows_ = min(valid_m - first_m_, GROUP_M);
            const int pid_m = first_m_ + (t_ % per_group_) % rows_, pid_n = (t_ % per_group_) / rows_, m0 = pid_m * BLOCK_M, n0 = pid_n * BLOCK_N;
            const idx_t e = expert_ids[pid_m];
</#macro>
<#-- The producer's turn for iteration i (tile i / n_k of this block, k tile i % n_k of the slice): wait until its stage is
     free, start the weight tile's TMA (one thread), gather the A rows, arrive on full[stage] once the copies land (the TMA
     bytes complete it). -->
<#macro ws_produce stage i>{
<@ws_tile "GROUP_ID(0) + (" + i + ") / n_k * NUM_GROUPS(0)"/>
            const int s_ = (${i}) % STAGES, kt_ = kt0 + (${i}) % n_k;
            mbar_wait(MBAR(bars, STAGES + s_), (((${i}) / STAGES) & 1) ^ 1, bars);
            if (tid == MATH_THREADS) gemm${stage}_tma_b(Bs + s_ * TILE_ELEMS(${BR}), &tmap_${W}, ${W}, e, n0, kt_, MBAR(bars, s_));
            gemm${stage}_gather_a(As + s_ * TILE_ELEMS(BLOCK_M), sorted_token_ids, ${A}, m0, sentinel, kt_, tid - MATH_THREADS);
            mbar_arrive_copies(MBAR(bars, s_), bars);
        }
</#macro>
<#-- A math warpgroup's turn for iteration i: wait for its stage, issue its wgmma group (a tile's first afresh), retire
     the previous group of the tile and free that one's stage. -->
<#macro ws_consume stage i>{
            const int s_ = (${i}) % STAGES, k_ = (${i}) % n_k;
            mbar_wait(MBAR(bars, s_), ((${i}) / STAGES) & 1, bars);
            ASYNC_TO_TENSOR_FENCE(); /* the producer's copies, written through the generic proxy, read by wgmma */
            wgmma_tile_${stage}(acc, As + s_ * TILE_ELEMS(BLOCK_M) + tile_offset(64 * wg, 0, BLOCK_M), Bs + s_ * TILE_ELEMS(${BR}), k_ > 0 WGMMA_CALL_ARGS);
            WGMMA_COMMIT();
            WGMMA_WAIT(1, acc, ${BR} / 2);
            if (k_ > 0) mbar_arrive(MBAR(bars, STAGES + ((${i}) - 1) % STAGES), bars);
        }
</#macro>
<#-- After a tile's last iteration i: retire everything, free that stage for the next tile's loads, write the outputs. -->
<#macro ws_tile_end stage i>{
            WGMMA_WAIT(0, acc, ${BR} / 2);
            mbar_arrive(MBAR(bars, STAGES + (${i}) % STAGES), bars);
            if (MBAR_FAULT(bars))
                for (int q = 0; q < ${BR} / 2; ++q) acc[q] = NAN;
<@ws_tile "GROUP_ID(0) + (" + i + ") / n_k * NUM_GROUPS(0)"/>
<@ws_epilogue stage/>
        }
</#macro>
<#-- The math threads' outputs of a tile from their accumulators; rows from sorted_token_ids (the producer has no row table to share). -->
<#macro ws_epilogue stage>
#pragma unroll
            for (int ni = 0; ni < BLOCK_N / 8; ++ni)
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                const int r = wg * 64 + wr + g + 8 * h, n = n0 + ni * 8 + 2 * t4, p = m0 + r;
                if (sorted_token_ids[p] >= sentinel || n >= ${N}) continue;
                <@store_pair stage "p" "n" "acc[ni * 4 + 2 * h]" "acc[ni * 4 + 2 * h + 1]" gatedStage?then("acc[(ni + BLOCK_N / 8) * 4 + 2 * h]", "0.0f") gatedStage?then("acc[(ni + BLOCK_N / 8) * 4 + 2 * h + 1]", "0.0f")/>;
            }
</#macro>
#if SPLIT_K1 > 1 || FUSE_COMBINE
/* One more on *count; 1 for the caller whose addition completes need, which takes the count back to zero for the
 * next forward: by an atomic subtraction, not a store, so a caller that completed too early leaves it off zero
 * instead of hiding the error. */
DEVICE_FN int count_completes(GLOBAL int* count, int need) {
    if (ATOMIC_ADD_GLOBAL(count, 1) != need - 1) return 0;
    ATOMIC_ADD_GLOBAL(count, -need);
    return 1;
}
#endif

#if SPLIT_K1 > 1
/* After a GroupGEMM 1 slice's stores (every thread of the block calls it: it has barriers): the tile's slices are
 * counted; the last one adds them in slice order (deterministic), applies bias and activation and stores the tile as
 * the unsplit kernel does. flag: one int of shared memory. */
DEVICE_FN void gemm1_finish_tile(GLOBAL const float* partials, GLOBAL int* counters, GLOBAL act_t* out,<#if expertBias> GLOBAL const float* b13,</#if>
                                 LOCAL_PTR const int* s_row, LOCAL_PTR int* flag, idx_t e, int m0, int n0, int tile, int T, int splits, int tid) {
    FENCE_GLOBAL(); /* this slice's partial sums, visible before its count */
    BARRIER();
    if (tid == 0) flag[0] = count_completes(counters + tile, splits);
    BARRIER();
    if (!flag[0]) return; /* the whole block alike, after its last barrier */
    FENCE_GLOBAL();
    const idx_t slab = (idx_t)MAX_PADDED(T) * N1;
    for (int i = tid; i < BLOCK_M * (BLOCK_N / 2); i += GEMM_THREADS) {
        const int r = i / (BLOCK_N / 2), n = n0 + 2 * (i % (BLOCK_N / 2)), p = m0 + r;
        if (s_row[r] < 0 || n >= INTER) continue;
        float g0 = 0.0f, g1 = 0.0f, u0 = 0.0f, u1 = 0.0f;
        for (int k = 0; k < splits; ++k) {
            GLOBAL const float* row = partials + k * slab + (idx_t)p * N1;
            g0 += LOAD_L2(row + n);
            g1 += LOAD_L2(row + n + 1);
<#if gated>
            u0 += LOAD_L2(row + INTER + n);
            u1 += LOAD_L2(row + INTER + n + 1);
</#if>
        }
        gemm1_store_pair(out,<#if expertBias> b13,</#if> e, p, n, g0, u0, g1, u1);
    }
}
#endif

#if FUSE_COMBINE
#define NUM_N2 ((HIDDEN + BLOCK_N - 1) / BLOCK_N)
/* Slot rows of token t this forward computes: its kept slots times the K slices (what its counters count to). */
DEVICE_FN int fused_combine_need(GLOBAL const int* slot_position, int t, int splits) {
    int kept = 0;
    for (int s = 0; s < SLOTS; ++s) kept += slot_position[t * SLOTS + s] >= 0;
    return kept * splits;
}

/* y rows of the tokens no slot kept (nothing will count for them): zeros, as moe_combine writes; split 0's blocks */
DEVICE_FN void fused_combine_zero_rows(GLOBAL const int* slot_position, GLOBAL act_t* y, int T, int tid) {
    for (int t = GROUP_ID(0); t < T; t += NUM_GROUPS(0))
        if (fused_combine_need(slot_position, t, 1) == 0)
            for (int h = tid; h < HIDDEN; h += GEMM_THREADS) STORE_ACT(y, (idx_t)t * HIDDEN + h, 0.0f);
}

/* After a GroupGEMM 2 tile's stores (every thread of the block calls it: it has barriers). Each valid row of the
 * tile, a (token, slot), counts once per K slice on its token's counter for this column block; the row whose count
 * completes the token (every kept slot, every slice) is the token's last, and the block then adds the token's slices
 * for these columns in moe_combine's order (slots, then slices), so y is bitwise moe_combine's. s_done: BLOCK_M ints of shared memory (the row table, read by now). */
DEVICE_FN void fused_combine_tile(GLOBAL const float* out, GLOBAL const int* sorted_token_ids, GLOBAL const int* slot_position,
                                  GLOBAL act_t* y, GLOBAL int* counters, LOCAL_PTR int* s_done, int m0, int n0, int T, int splits, int tid) {
    FENCE_GLOBAL(); /* this thread's expert_out stores, visible before any count they complete */
    BARRIER();
    for (int r = tid; r < BLOCK_M; r += GEMM_THREADS) {
        const int a = sorted_token_ids[m0 + r];
        int done = -1;
        if (a < T * SLOTS) {
            const int t = a / SLOTS;
            if (count_completes(counters + (idx_t)t * NUM_N2 + n0 / BLOCK_N, fused_combine_need(slot_position, t, splits))) done = t;
        }
        s_done[r] = done;
    }
    BARRIER();
    FENCE_GLOBAL(); /* the other tiles' stores, counted before this one's, are read after the count */
    const idx_t slab = (idx_t)MAX_PADDED(T) * HIDDEN;
    for (int i = tid; i < BLOCK_M * BLOCK_N; i += GEMM_THREADS) {
        const int t = s_done[i / BLOCK_N], h = n0 + i % BLOCK_N;
        if (t < 0 || h >= HIDDEN) continue;
        float acc = 0.0f;
        for (int s = 0; s < SLOTS; ++s) {
            const int p = slot_position[t * SLOTS + s];
            if (p < 0) continue;
            for (int k = 0; k < splits; ++k) acc += LOAD_L2(out + k * slab + (idx_t)p * HIDDEN + h);
        }
        STORE_ACT(y, (idx_t)t * HIDDEN + h, acc);
    }
}
#endif

<#macro group_gemm_tc stage>
<#if stage == 1><#assign K = "HIDDEN" N = "INTER" gatedStage = gated A = "x" W = "w13"><#else><#assign K = "INTER" N = "HIDDEN" gatedStage = false A = "inter" W = "w2"></#if>
<#assign BR = gatedStage?then("(2 * BLOCK_N)", "BLOCK_N") sets = gatedStage?then(2, 1)>
/* Stages k tile kt into one pipeline stage: BLOCK_M gathered A rows and ${BR} weight rows, this thread's chunks
 * (a_row: its gathered A rows, b_src: element offsets of its weight rows within the expert at k0 = 0; -1 = zeros). */
DEVICE_FN void gemm${stage}_stage_tile(LOCAL_PTR ushort* as, LOCAL_PTR ushort* bs, GLOBAL const act_t* ${A}, GLOBAL const act_t* wexp,
                              const int* a_row, const ${expertOffset}* b_src, int r0, int c, int kt) {
    const int k0 = kt * BLOCK_K, in_k = ${K} % BLOCK_K == 0 || k0 + c < ${K};
#pragma unroll
    for (int p = 0; p < PASSES(BLOCK_M); ++p)
        if (PASS_ROW(BLOCK_M, r0, p)) {
            const int ok = in_k && a_row[p] >= 0;
            copy16(as + tile_offset(r0 + p * ROW_STEP, c, BLOCK_M), ${A} + (ok ? (idx_t)a_row[p] * ${K} + k0 + c : 0), ok);
        }
#pragma unroll
    for (int p = 0; p < PASSES(${BR}); ++p)
        if (PASS_ROW(${BR}, r0, p)) {
            const int ok = in_k && b_src[p] >= 0;
            copy16(bs + tile_offset(r0 + p * ROW_STEP, c, ${BR}), wexp + (ok ? b_src[p] + k0 : 0), ok);
        }
}

#if USE_WS
/* The producer's A rows of k tile kt of the tile at row m0: its PRODUCER_THREADS threads gather them chunk by chunk (TMA
 * cannot gather rows; the address arithmetic is off the math warps' path, so nothing is hoisted here). */
DEVICE_FN void gemm${stage}_gather_a(LOCAL_PTR ushort* as, GLOBAL const int* sorted_token_ids, GLOBAL const act_t* ${A}, int m0, int sentinel, int kt, int t) {
    const int k0 = kt * BLOCK_K;
    for (int i = t; i < BLOCK_M * CHUNKS_K; i += PRODUCER_THREADS) {
        const int r = i / CHUNKS_K, c = i % CHUNKS_K * 8, a = sorted_token_ids[m0 + r];
        const int row = a >= sentinel ? -1 : <#if stage == 1>a / SLOTS<#else>m0 + r</#if>;
        const int ok = row >= 0 && k0 + c < ${K};
        copy16(as + tile_offset(r, c, BLOCK_M), ${A} + (ok ? (idx_t)row * ${K} + k0 + c : 0), ok);
    }
}

/* The weight tile of k tile kt by TMA, issued by one producer thread: per 64-column block a box of BLOCK_N rows<#if gatedStage>
 * for the gate rows and one for the up rows (I further), the up box BLOCK_N rows below in the stage</#if>; the engine
 * writes the 128-byte swizzle wgmma reads and zeros past K and past the last expert, and counts the bytes on full[s]. */
DEVICE_FN void gemm${stage}_tma_b(LOCAL_PTR ushort* bs, const tensor_map_t* m, GLOBAL const act_t* ${W}, idx_t e, int n0, int kt, LOCAL_PTR unsigned char* full) {
    mbar_expect_tx(full, ${BR} * BLOCK_K * 2);
    const int row = (int)(e * <#if stage == 1>N1<#else>HIDDEN</#if>) + n0;
    for (int cb = 0; cb < BLOCK_K / 64; ++cb) {
        tma_load_2d(bs + cb * ${BR} * 64, m, ${W}, kt * BLOCK_K + 64 * cb, row, full);
<#if gatedStage>
        tma_load_2d(bs + cb * ${BR} * 64 + BLOCK_N * 64, m, ${W}, kt * BLOCK_K + 64 * cb, row + INTER, full);
</#if>
    }
}
#endif

${kq["moe_group_gemm_" + stage]} void moe_group_gemm_${stage}(${sig["moe_group_gemm_" + stage]}) {
#if USE_WS
    /* Warp specialised and persistent: a grid of at most one block per multiprocessor, each taking the valid tiles
       GROUP_ID, GROUP_ID + NUM_GROUPS, ... (GroupGEMM 2: of its K slice). The last warpgroup loads, the others compute;
       stage s passes through mbarriers full[s] (A copies landed, weight bytes in) and empty[s] (every math thread done
       reading it); the stage and phase count runs on across tiles, so the next tile's loads overlap this one's epilogue. */
    SHARED_ARENA(smem_raw, GEMM${stage}_SMEM_BYTES);
    LOCAL_PTR ushort* tiles = (LOCAL_PTR ushort*)ALIGN_SHARED(smem_raw, 1024);
    LOCAL_PTR ushort* As = tiles;
    LOCAL_PTR ushort* Bs = tiles + STAGES * TILE_ELEMS(BLOCK_M);
    LOCAL_PTR unsigned char* bars = smem_raw + GEMM${stage}_BARS_OFFSET;
    const int tid = LOCAL_ID(0), lane = tid & 31, warp = tid >> 5, g = lane >> 2, t4 = lane & 3, sentinel = T * SLOTS;
    const int wg = warp >> 2, wr = 16 * (warp & 3);
<@k_slice stage K/>
    const int n_k = kt1 - kt0, num_n = (${N} + BLOCK_N - 1) / BLOCK_N, valid_m = num_tokens_post_padded[0] / BLOCK_M;
    const int tiles_total = valid_m * num_n;
    const int mine = GROUP_ID(0) < tiles_total ? (tiles_total - 1 - GROUP_ID(0)) / NUM_GROUPS(0) + 1 : 0, iters = mine * n_k;
    float acc[${BR} / 2];
    WGMMA_QUEUE_DECL
    if (n_k == 0) { /* an empty K slice still writes its (zero) share of each tile */
        for (int q = 0; q < ${BR} / 2; ++q) acc[q] = 0.0f;
        if (tid < MATH_THREADS)
            for (int j = 0; j < mine; ++j) {
<@ws_tile "GROUP_ID(0) + j * NUM_GROUPS(0)"/>
<@ws_epilogue stage/>
            }
        return;
    }
    if (tid == 0) {
        for (int s = 0; s < STAGES; ++s) {
            mbar_init(MBAR(bars, s), PRODUCER_THREADS);
            mbar_init(MBAR(bars, STAGES + s), MATH_THREADS);
        }
        MBAR_FAULT_INIT(bars);
    }
    BARRIER();
#if WS_LOCKSTEP
    /* one interleaving of the two roles, in barrier-separated steps: the producer WS_LAG iterations ahead, the most the
       protocol allows; a wait that would block here is a protocol error and poisons the result */
    for (int step = 0; step < iters + WS_LAG; ++step) {
        if (tid >= MATH_THREADS && step < iters) <@ws_produce stage "step"/>
        BARRIER();
        if (tid < MATH_THREADS && step >= WS_LAG) {
            <@ws_consume stage "step - WS_LAG"/>
            if ((step - WS_LAG) % n_k == n_k - 1) <@ws_tile_end stage "step - WS_LAG"/>
        }
        BARRIER();
    }
#else
    if (tid >= MATH_THREADS) {
        SETMAXNREG_PRODUCER();
        for (int i = 0; i < iters; ++i) <@ws_produce stage "i"/>
        ASYNC_WAIT(0);
        return;
    }
    SETMAXNREG_MATH();
    /* a loop per tile, its wait for everything and epilogue after it: ptxas then sees no accumulator read while a group is in flight */
    for (int j = 0; j < mine; ++j) {
        for (int k = 0; k < n_k; ++k) <@ws_consume stage "j * n_k + k"/>
        <@ws_tile_end stage "j * n_k + n_k - 1"/>
    }
#endif
#else
    SHARED_ARENA(smem_raw, GEMM${stage}_SMEM_BYTES);
    /* 1 KiB aligned: the swizzle pattern repeats every 8 rows of 128 bytes */
    LOCAL_PTR ushort* tiles = (LOCAL_PTR ushort*)ALIGN_SHARED(smem_raw, USE_WGMMA ? 1024 : 16);
    LOCAL_PTR int* s_row = (LOCAL_PTR int*)(smem_raw + GEMM${stage}_ROWS_OFFSET);
    MMA_SCRATCH_DECL
    const int num_m = MAX_PADDED(T) / BLOCK_M, num_n = (${N} + BLOCK_N - 1) / BLOCK_N;
    const int pid = GROUP_ID(0), per_group = GROUP_M * num_n, first_m = pid / per_group * GROUP_M;
    const int group_rows = min(num_m - first_m, GROUP_M);
    const int pid_m = first_m + (pid % per_group) % group_rows, pid_n = (pid % per_group) / group_rows;
<#if stage == 2>
#if FUSE_COMBINE
    if (GROUP_ID(2) == 0) fused_combine_zero_rows(slot_position, y, T, LOCAL_ID(0));
#endif
</#if>
    if (pid_m * BLOCK_M >= num_tokens_post_padded[0]) return;
    const int tid = LOCAL_ID(0), lane = tid & 31, warp = tid >> 5, g = lane >> 2, t4 = lane & 3;
    const int m0 = pid_m * BLOCK_M, n0 = pid_n * BLOCK_N, sentinel = T * SLOTS;
    const idx_t e = expert_ids[pid_m];
<#if stage == 1>
#if SPLIT_K1 > 1
    /* GroupGEMM 1 in K slices at decode (grid z: NUM_GROUPS(2) = 1 above split_max_tokens) */
    const int splits = NUM_GROUPS(2), split = GROUP_ID(2);
    const int k_tiles = (${K} + BLOCK_K - 1) / BLOCK_K, per_split = (k_tiles + splits - 1) / splits;
    const int kt0 = min(k_tiles, split * per_split), kt1 = min(k_tiles, kt0 + per_split);
#else
<@k_slice stage K/>
#endif
<#else>
<@k_slice stage K/>
</#if>
    LOCAL_PTR ushort* As = tiles;
    LOCAL_PTR ushort* Bs = tiles + STAGES * TILE_ELEMS(BLOCK_M);
    for (int r = tid; r < BLOCK_M; r += GEMM_THREADS) {
        const int a = sorted_token_ids[m0 + r];
        s_row[r] = a >= sentinel ? -1 : <#if stage == 1>a / SLOTS<#else>m0 + r</#if>;
    }
    BARRIER();
#if USE_WGMMA
    /* warpgroup wg owns rows [64 wg, 64 wg + 64); thread: rows 16 (warp % 4) + g (+ 8), all ${BR} columns */
    const int wg = warp >> 2, wr = 16 * (warp & 3);
    float acc[${BR} / 2];
#pragma unroll
    for (int i = 0; i < ${BR} / 2; ++i) acc[i] = 0.0f;
    WGMMA_QUEUE_DECL
#else
    const int wm = warp / WARPS_N, wn = warp % WARPS_N;
    float acc[${sets}][MI][NI][4];
#pragma unroll
    for (int u = 0; u < ${sets}; ++u)
#pragma unroll
    for (int mi = 0; mi < MI; ++mi)
#pragma unroll
    for (int ni = 0; ni < NI; ++ni)
#pragma unroll
    for (int q = 0; q < 4; ++q) acc[u][mi][ni][q] = 0.0f;
#endif
    GLOBAL const act_t* wexp = ${W} + e * <#if stage == 1>N1<#else>HIDDEN</#if> * ${K};
    /* where this thread's 16-byte chunks come from, for every k tile */
    const int c = tid % CHUNKS_K * 8, r0 = tid / CHUNKS_K;
    int a_row[PASSES(BLOCK_M)];
    ${expertOffset} b_src[PASSES(${BR})];
#pragma unroll
    for (int p = 0; p < PASSES(BLOCK_M); ++p) {
        a_row[p] = PASS_ROW(BLOCK_M, r0, p) ? s_row[r0 + p * ROW_STEP] : -1;
    }
#pragma unroll
    for (int p = 0; p < PASSES(${BR}); ++p) {
        const int j = r0 + p * ROW_STEP, n = n0 + j % BLOCK_N;
        b_src[p] = PASS_ROW(${BR}, r0, p) && n < ${N} ? (${expertOffset})(<#if gatedStage>(j >= BLOCK_N ? INTER : 0) + </#if>n) * ${K} + c : -1;
    }
    /* prologue: LOOKAHEAD tiles in flight (an empty group where the slice is shorter keeps the count uniform) */
    for (int s = 0; s < LOOKAHEAD; ++s) {
        if (kt0 + s < kt1) gemm${stage}_stage_tile(As + s * TILE_ELEMS(BLOCK_M), Bs + s * TILE_ELEMS(${BR}), ${A}, wexp, a_row, b_src, r0, c, kt0 + s);
        ASYNC_COMMIT();
    }
    for (int kt = kt0; kt < kt1; ++kt) {
        ASYNC_WAIT(LOOKAHEAD - 1);
        ASYNC_TO_TENSOR_FENCE();
        BARRIER();
        /* refill the stage of tile kt - 1 - MMA_IN_FLIGHT, whose math every thread has finished */
        const int next = kt + LOOKAHEAD, ns = (next - kt0) % STAGES;
        if (next < kt1) gemm${stage}_stage_tile(As + ns * TILE_ELEMS(BLOCK_M), Bs + ns * TILE_ELEMS(${BR}), ${A}, wexp, a_row, b_src, r0, c, next);
        ASYNC_COMMIT();
        const int st = (kt - kt0) % STAGES;
        LOCAL_PTR const ushort* as = As + st * TILE_ELEMS(BLOCK_M);
        LOCAL_PTR const ushort* bs = Bs + st * TILE_ELEMS(${BR});
#if USE_WGMMA
        wgmma_tile_${stage}(acc, as + tile_offset(64 * wg, 0, BLOCK_M), bs, 1 WGMMA_CALL_ARGS);
        WGMMA_COMMIT();
        WGMMA_WAIT(1, acc, ${BR} / 2); /* tile kt - 1's group is done: its stage is free after the next barrier */
#else
#if MATH_THREADS < GEMM_THREADS
        if (tid >= MATH_THREADS) continue; /* a producer plan built without wgmma: its producer warps only copy */
#endif
#pragma unroll
        for (int kk = 0; kk < BLOCK_K; kk += 16) {
            uint af[MI][4];
#pragma unroll
            for (int mi = 0; mi < MI; ++mi) {
                LOCAL_PTR const ushort* p = as + (wm * WM + mi * 16 + g) * TILE_STRIDE + kk + 2 * t4;
                af[mi][0] = LD_SHARED_U32(p);
                af[mi][1] = LD_SHARED_U32(p + 8 * TILE_STRIDE);
                af[mi][2] = LD_SHARED_U32(p + 8);
                af[mi][3] = LD_SHARED_U32(p + 8 * TILE_STRIDE + 8);
            }
#pragma unroll
            for (int u = 0; u < ${sets}; ++u)
#pragma unroll
            for (int ni = 0; ni < NI; ++ni) {
                LOCAL_PTR const ushort* q = bs + (u * BLOCK_N + wn * WN + ni * 8 + g) * TILE_STRIDE + kk + 2 * t4;
                uint bf[2];
                bf[0] = LD_SHARED_U32(q);
                bf[1] = LD_SHARED_U32(q + 8);
#pragma unroll
                for (int mi = 0; mi < MI; ++mi) MMA_16816(acc[u][mi][ni], af[mi], bf);
            }
        }
#endif
    }
    ASYNC_WAIT(0);
#if USE_WGMMA
    WGMMA_WAIT(0, acc, ${BR} / 2);
#endif
    /* epilogue: each thread's outputs straight from its accumulators (a block branch, not a return: PoCL
       mishandles work-items leaving a kernel with barriers early) */
#if MATH_THREADS < GEMM_THREADS
    if (tid < MATH_THREADS) /* the producer warpgroup has no outputs */
#endif
    {
#if USE_WGMMA
#pragma unroll
        for (int ni = 0; ni < BLOCK_N / 8; ++ni)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int r = wg * 64 + wr + g + 8 * h, n = n0 + ni * 8 + 2 * t4, p = m0 + r;
            if (s_row[r] < 0 || n >= ${N}) continue;
            <@store_pair stage "p" "n" "acc[ni * 4 + 2 * h]" "acc[ni * 4 + 2 * h + 1]" gatedStage?then("acc[(ni + BLOCK_N / 8) * 4 + 2 * h]", "0.0f") gatedStage?then("acc[(ni + BLOCK_N / 8) * 4 + 2 * h + 1]", "0.0f")/>;
        }
#else
#pragma unroll
        for (int mi = 0; mi < MI; ++mi)
#pragma unroll
        for (int ni = 0; ni < NI; ++ni)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int r = wm * WM + mi * 16 + g + 8 * h, n = n0 + wn * WN + ni * 8 + 2 * t4, p = m0 + r;
            if (s_row[r] < 0 || n >= ${N}) continue;
            <@store_pair stage "p" "n" "acc[0][mi][ni][2 * h]" "acc[0][mi][ni][2 * h + 1]" gatedStage?then("acc[1][mi][ni][2 * h]", "0.0f") gatedStage?then("acc[1][mi][ni][2 * h + 1]", "0.0f")/>;
        }
#endif
    }
<#if stage == 1>
#if SPLIT_K1 > 1
    if (splits > 1)
        gemm1_finish_tile(gemm1_partials, gemm1_counters, out,<#if expertBias> b13,</#if> s_row, (LOCAL_PTR int*)tiles, e, m0, n0,
                          pid_m * num_n + pid_n, T, splits, tid);
#endif
<#else>
#if FUSE_COMBINE
    fused_combine_tile(out, sorted_token_ids, slot_position, y, combine_counters, s_row, m0, n0, T, splits, tid);
#endif
</#if>
#endif
}
</#macro>
/* setmaxnreg needs the register count at entry fixed: the warp-specialised GroupGEMMs state it instead of launch
   bounds (CUDA takes one or the other) */
#if USE_WS && defined(KERNEL_MAXNREG)
#pragma push_macro("KERNEL_WG")
#undef KERNEL_WG
#define KERNEL_WG(n) KERNEL_MAXNREG(LAUNCH_REGISTERS)
#endif
<@group_gemm_tc stage=1/>

<@group_gemm_tc stage=2/>
#if USE_WS && defined(KERNEL_MAXNREG)
#pragma pop_macro("KERNEL_WG")
#endif

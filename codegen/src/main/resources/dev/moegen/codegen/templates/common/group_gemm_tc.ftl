<#--
  Tensor-core GroupGEMM. One block of GEMM_THREADS per (BLOCK_M-row tile, BLOCK_N-column tile); tiles are
  numbered along one grid axis in GROUP_M order, so GROUP_M row tiles walk the column tiles together and
  each weight tile comes from DRAM once per group. A rows are gathered through sorted_token_ids into shared
  memory by 16-byte asynchronous copies, STAGES deep. The B tile holds the gate rows and then (gated) the
  up rows of the same columns, so one staged tile feeds both products and the epilogue finds gate and up
  of an output in the same thread.
  Math per architecture (USE_WGMMA from the backend's tensor-core header):
    wgmma: warpgroups of 4 warps issue m64nNk16 wgmma.mma_async on 128-byte-swizzled tiles (N = B rows);
    mma:   each warp owns a WM x WN sub-tile of m16n8k16 mma.sync fragments read from padded tiles.
  Both leave each thread an fp32 accumulator per (row, column) it owns, in the same C-fragment pattern:
  rows g and g + 8 of a 16-row slab, columns 2·t4 and 2·t4 + 1 of each 8-column block.
-->
#define TILE_STRIDE (BLOCK_K + 8)
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
#if USE_WGMMA

<#include "wgmma_desc.ftl">
<#list wgmmaTiles as t>

/* One BLOCK_K tile of GEMM ${t.stage}: BLOCK_K / 16 steps of m64n${t.n}k16 (a: this warpgroup's 64 rows), then wait. */
DEVICE_FN void wgmma_tile_${t.stage}(float* acc, LOCAL_PTR const ushort* a, LOCAL_PTR const ushort* b WGMMA_PARAMS) {
    WGMMA_FENCE();
#pragma unroll
    for (int kk = 0; kk < BLOCK_K; kk += 16)
        wgmma_m64n${t.n}(acc, wgmma_desc(WGMMA_ADDR(a + tile_offset(0, kk, BLOCK_M))),
                       wgmma_desc(WGMMA_ADDR(b + tile_offset(0, kk, ${t.n}))) WGMMA_ARGS);
    WGMMA_COMMIT_WAIT();
}
</#list>
#endif

<#macro group_gemm_tc stage>
<#if stage == 1><#assign K = "HIDDEN" N = "INTER" gatedStage = gated A = "x" W = "w13"><#else><#assign K = "INTER" N = "HIDDEN" gatedStage = false A = "inter" W = "w2"></#if>
<#assign BR = gatedStage?then("(2 * BLOCK_N)", "BLOCK_N") sets = gatedStage?then(2, 1)>
/* Stages k tile kt of A (BLOCK_M gathered rows) and B (${BR} weight rows) into one pipeline stage. */
DEVICE_FN void gemm${stage}_stage_tile(LOCAL_PTR ushort* as, LOCAL_PTR ushort* bs, LOCAL_PTR const int* s_row, GLOBAL const act_t* ${A},
                              GLOBAL const act_t* ${W}, idx_t e, int n0, int kt, int tid) {
    const int k0 = kt * BLOCK_K;
    for (int i = tid; i < BLOCK_M * (BLOCK_K / 8); i += GEMM_THREADS) {
        const int r = i / (BLOCK_K / 8), c = i % (BLOCK_K / 8) * 8, row = s_row[r];
        const int ok = row >= 0 && k0 + c < ${K};
        copy16(as + tile_offset(r, c, BLOCK_M), ${A} + (ok ? (idx_t)row * ${K} + k0 + c : 0), ok);
    }
    for (int i = tid; i < ${BR} * (BLOCK_K / 8); i += GEMM_THREADS) {
        const int j = i / (BLOCK_K / 8), c = i % (BLOCK_K / 8) * 8, n = n0 + j % BLOCK_N;
<#if stage == 1>
        const idx_t row = e * N1 + (j >= BLOCK_N ? INTER : 0) + n;
<#else>
        const idx_t row = e * HIDDEN + n;
</#if>
        const int ok = n < ${N} && k0 + c < ${K};
        copy16(bs + tile_offset(j, c, ${BR}), ${W} + (ok ? row * ${K} + k0 + c : 0), ok);
    }
}

${kq["moe_group_gemm_" + stage]} void moe_group_gemm_${stage}(${sig["moe_group_gemm_" + stage]}) {
    SHARED_ARENA(smem_raw, GEMM${stage}_SMEM_BYTES);
    /* 1 KiB aligned: the swizzle pattern repeats every 8 rows of 128 bytes */
    LOCAL_PTR ushort* tiles = (LOCAL_PTR ushort*)ALIGN_SHARED(smem_raw, USE_WGMMA ? 1024 : 16);
    LOCAL_PTR int* s_row = (LOCAL_PTR int*)(smem_raw + GEMM${stage}_ROWS_OFFSET);
    MMA_SCRATCH_DECL
    const int num_m = MAX_PADDED(T) / BLOCK_M, num_n = (${N} + BLOCK_N - 1) / BLOCK_N;
    const int pid = GROUP_ID(0), per_group = GROUP_M * num_n, first_m = pid / per_group * GROUP_M;
    const int group_rows = min(num_m - first_m, GROUP_M);
    const int pid_m = first_m + (pid % per_group) % group_rows, pid_n = (pid % per_group) / group_rows;
    if (pid_m * BLOCK_M >= num_tokens_post_padded[0]) return;
    const int tid = LOCAL_ID(0), lane = tid & 31, warp = tid >> 5, g = lane >> 2, t4 = lane & 3;
    const int m0 = pid_m * BLOCK_M, n0 = pid_n * BLOCK_N, sentinel = T * SLOTS;
    const idx_t e = expert_ids[pid_m];
<@k_slice stage K/>
    LOCAL_PTR ushort* As = tiles;
    LOCAL_PTR ushort* Bs = tiles + STAGES * TILE_ELEMS(BLOCK_M);
    for (int r = tid; r < BLOCK_M; r += GEMM_THREADS) {
        const int a = sorted_token_ids[m0 + r];
        s_row[r] = a >= sentinel ? -1 : <#if stage == 1>a / SLOTS<#else>m0 + r</#if>;
    }
    BARRIER();
    /* prologue: STAGES - 1 tiles in flight (an empty group where the slice is shorter keeps the count uniform) */
    for (int s = 0; s < STAGES - 1; ++s) {
        if (kt0 + s < kt1) gemm${stage}_stage_tile(As + s * TILE_ELEMS(BLOCK_M), Bs + s * TILE_ELEMS(${BR}), s_row, ${A}, ${W}, e, n0, kt0 + s, tid);
        ASYNC_COMMIT();
    }
#if USE_WGMMA
    /* warpgroup wg owns rows [64 wg, 64 wg + 64); thread: rows 16 (warp % 4) + g (+ 8), all ${BR} columns */
    const int wg = warp >> 2, wr = 16 * (warp & 3);
    float acc[${BR} / 2];
#pragma unroll
    for (int i = 0; i < ${BR} / 2; ++i) acc[i] = 0.0f;
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
    for (int kt = kt0; kt < kt1; ++kt) {
        ASYNC_WAIT(STAGES - 2);
        ASYNC_TO_TENSOR_FENCE();
        BARRIER();
        /* refill the stage everyone finished reading in the previous iteration */
        const int next = kt + STAGES - 1, ns = (next - kt0) % STAGES;
        if (next < kt1) gemm${stage}_stage_tile(As + ns * TILE_ELEMS(BLOCK_M), Bs + ns * TILE_ELEMS(${BR}), s_row, ${A}, ${W}, e, n0, next, tid);
        ASYNC_COMMIT();
        const int st = (kt - kt0) % STAGES;
        LOCAL_PTR const ushort* as = As + st * TILE_ELEMS(BLOCK_M);
        LOCAL_PTR const ushort* bs = Bs + st * TILE_ELEMS(${BR});
#if USE_WGMMA
        wgmma_tile_${stage}(acc, as + tile_offset(64 * wg, 0, BLOCK_M), bs WGMMA_CALL_ARGS);
#else
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
    /* epilogue: each thread's outputs straight from its accumulators */
#if USE_WGMMA
#pragma unroll
    for (int ni = 0; ni < BLOCK_N / 8; ++ni)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const int r = wg * 64 + wr + g + 8 * h, n = n0 + ni * 8 + 2 * t4, p = m0 + r;
        if (s_row[r] < 0 || n >= ${N}) continue;
#pragma unroll
        for (int j = 0; j < 2; ++j) <@store stage "p" "n + j" "acc[ni * 4 + 2 * h + j]" gatedStage?then("acc[(ni + BLOCK_N / 8) * 4 + 2 * h + j]", "0.0f")/>;
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
#pragma unroll
        for (int j = 0; j < 2; ++j) <@store stage "p" "n + j" "acc[0][mi][ni][2 * h + j]" gatedStage?then("acc[1][mi][ni][2 * h + j]", "0.0f")/>;
    }
#endif
}
</#macro>
<@group_gemm_tc stage=1/>

<@group_gemm_tc stage=2/>

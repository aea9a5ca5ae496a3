/* Floors for the benchmark, measured on the device in the same run; each floor is the better of two kernels, so it
 * holds on a GPU (work-items are lanes) and on a CPU (a work-item's loop is what runs in SIMD registers):
 *   moe_bench_copy          streaming copy, 16 B per work-item per grid step: memory bandwidth = 2 * bytes / time
 *   moe_bench_copy_chunked  each work-item copies one contiguous chunk, VW floats per load and store
 *   moe_bench_fma           8 independent FMA chains per work-item: fp32 FMA peak = 2 * 8 * iters * items / time
 *   moe_bench_fma_vec       8 independent chains of VW-wide FMAs per work-item: 2 * 8 * VW * iters * items / time
 *   moe_bench_flush touches a buffer larger than the last-level cache between timed runs */
KERNEL void moe_bench_copy(GLOBAL const float* src, GLOBAL float* dst, int n4) {
    const idx_t stride = (idx_t)BENCH_GROUPS * BENCH_WG;
    for (idx_t i = GLOBAL_ID(0); i < n4; i += stride) {
        const idx_t j = 4 * i;
        float a = src[j], b = src[j + 1], c = src[j + 2], d = src[j + 3];
        dst[j] = a; dst[j + 1] = b; dst[j + 2] = c; dst[j + 3] = d;
    }
}

KERNEL void moe_bench_fma(GLOBAL float* out, int iters, float seed) {
    float a0 = seed, a1 = seed + 1, a2 = seed + 2, a3 = seed + 3, a4 = seed + 4, a5 = seed + 5, a6 = seed + 6, a7 = seed + 7;
    const float m = 0.999f, c = 0.001f;
    for (int i = 0; i < iters; ++i) {
        a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
        a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
    }
    out[GLOBAL_ID(0)] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

KERNEL void moe_bench_copy_chunked(GLOBAL const float* src, GLOBAL float* dst, int n4) {
    const idx_t n = (idx_t)n4 * 4, items = (idx_t)BENCH_GROUPS * BENCH_WG;
    const idx_t chunk = ((n + items - 1) / items + VW - 1) / VW * VW;
    const idx_t lo = GLOBAL_ID(0) * chunk, end = lo + chunk, hi = end < n ? end : n;
    idx_t i = lo;
    for (; i + VW <= hi; i += VW) VSTORE_F32(dst, i, VLOAD_F32(src, i));
    for (; i < hi; ++i) dst[i] = src[i];
}

KERNEL void moe_bench_fma_vec(GLOBAL float* out, int iters, float seed) {
    vecf a0 = VSPLAT(seed), a1 = VSPLAT(seed + 1), a2 = VSPLAT(seed + 2), a3 = VSPLAT(seed + 3);
    vecf a4 = VSPLAT(seed + 4), a5 = VSPLAT(seed + 5), a6 = VSPLAT(seed + 6), a7 = VSPLAT(seed + 7);
    const vecf m = VSPLAT(0.999f), c = VSPLAT(0.001f);
    for (int i = 0; i < iters; ++i) {
        a0 = VFMA(a0, m, c); a1 = VFMA(a1, m, c); a2 = VFMA(a2, m, c); a3 = VFMA(a3, m, c);
        a4 = VFMA(a4, m, c); a5 = VFMA(a5, m, c); a6 = VFMA(a6, m, c); a7 = VFMA(a7, m, c);
    }
    out[GLOBAL_ID(0)] = VSUM(a0) + VSUM(a1) + VSUM(a2) + VSUM(a3) + VSUM(a4) + VSUM(a5) + VSUM(a6) + VSUM(a7);
}

KERNEL void moe_bench_flush(GLOBAL float* buf, int n) {
    const idx_t stride = (idx_t)BENCH_GROUPS * BENCH_WG;
    for (idx_t i = GLOBAL_ID(0); i < n; i += stride) buf[i] += 1.0f;
}

/* Pseudo-random values in [-scale, scale) written in the activation dtype, so benchmarks never time
 * on constant or zero weights (they can run faster than real data). Hash of the 64-bit index. */
KERNEL void moe_bench_fill_random(GLOBAL act_t* p, idx_t n, uint seed, float scale) {
    const idx_t stride = (idx_t)BENCH_GROUPS * BENCH_WG;
    for (idx_t i = GLOBAL_ID(0); i < n; i += stride) {
        uint x = (uint)i * 2654435761u ^ (uint)(i >> 32) * 2246822519u ^ seed;
        x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
        STORE_ACT(p, i, ((float)(x >> 8) * (1.0f / 16777216.0f) * 2.0f - 1.0f) * scale);
    }
}

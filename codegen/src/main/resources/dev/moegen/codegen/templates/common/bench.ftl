/* Floors for the benchmark, measured on the device in the same run:
 *   moe_bench_copy  streaming copy, 16 B per work-item per step: memory bandwidth = 2 * bytes / time
 *   moe_bench_fma   8 independent FMA chains per work-item: fp32 FMA peak = 2 * 8 * iters * items / time
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

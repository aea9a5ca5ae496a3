
/* Tensor-core peaks for the GEMM floor (CUDA only): independent accumulator chains on operands that stay in
 * registers (mma.sync, 4096 FLOP per warp per instruction) or in shared memory (wgmma m64n256k16, 524288 FLOP
 * per warpgroup per instruction), so the figure is the math rate alone. */
KERNEL void moe_bench_mma(GLOBAL float* out, int iters) {
    const uint v = 0x3f803f80u ^ (uint)LOCAL_ID(0);
    uint a[4], b[2];
    a[0] = v; a[1] = v ^ 1u; a[2] = v ^ 2u; a[3] = v ^ 3u; b[0] = v ^ 4u; b[1] = v ^ 5u;
    float c[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) c[j][0] = c[j][1] = c[j][2] = c[j][3] = 0.0f;
    for (int it = 0; it < iters; ++it)
#pragma unroll
        for (int j = 0; j < 8; ++j) mma_16816(c[j], a, b);
    float s = 0.0f;
#pragma unroll
    for (int j = 0; j < 8; ++j) s += c[j][0] + c[j][1] + c[j][2] + c[j][3];
    out[GLOBAL_ID(0)] = s;
}

KERNEL void moe_bench_wgmma(GLOBAL float* out, int iters) {
#if USE_WGMMA
    __shared__ __align__(1024) ushort sa[64 * 64];
    __shared__ __align__(1024) ushort sb[256 * 64];
    for (int i = LOCAL_ID(0); i < 256 * 64; i += BENCH_WG) {
        if (i < 64 * 64) sa[i] = (ushort)(0x3f80u ^ (i & 7));
        sb[i] = (ushort)(0x3f80u ^ (i & 5));
    }
    ASYNC_TO_TENSOR_FENCE();
    BARRIER();
    float d[128];
#pragma unroll
    for (int i = 0; i < 128; ++i) d[i] = 0.0f;
    for (int it = 0; it < iters; ++it) {
        WGMMA_FENCE();
#pragma unroll
        for (int kk = 0; kk < 64; kk += 16) wgmma_m64n256(d, wgmma_desc(WGMMA_ADDR(sa + kk)), wgmma_desc(WGMMA_ADDR(sb + kk)), 1);
        WGMMA_COMMIT();
        WGMMA_WAIT(1, d, 128); /* one group in flight, as the GroupGEMM keeps it */
    }
    WGMMA_WAIT(0, d, 128);
    float s = 0.0f;
#pragma unroll
    for (int i = 0; i < 128; ++i) s += d[i];
    out[GLOBAL_ID(0)] = s;
#endif
}

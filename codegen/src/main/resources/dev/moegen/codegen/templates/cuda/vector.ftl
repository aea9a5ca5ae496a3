/* The tiled GroupGEMM's K vectors: VW floats that the compiler keeps in registers (the loops unroll). */
struct vecf { float v[VW]; };
DEVICE_FN vecf vzero() {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = 0.0f;
    return r;
}
DEVICE_FN vecf vload_act(const act_t* p, int k) {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = LOAD_ACT(p, k + i);
    return r;
}
DEVICE_FN vecf vsplat(float f) {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = f;
    return r;
}
DEVICE_FN vecf vload_f32(const float* p, long long k) {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = p[k + i];
    return r;
}
DEVICE_FN void vstore_f32(float* p, long long k, vecf v) {
#pragma unroll
    for (int i = 0; i < VW; ++i) p[k + i] = v.v[i];
}
DEVICE_FN vecf vfma(vecf a, vecf b, vecf c) {
#pragma unroll
    for (int i = 0; i < VW; ++i) c.v[i] = fmaf(a.v[i], b.v[i], c.v[i]);
    return c;
}
DEVICE_FN float vsum(vecf a) {
    float s = 0.0f;
#pragma unroll
    for (int i = 0; i < VW; ++i) s += a.v[i];
    return s;
}
#define VZERO vzero()
#define VSPLAT(f) vsplat(f)
#define VLOAD_F32(p, k) vload_f32((p), (k))
#define VSTORE_F32(p, k, v) vstore_f32((p), (k), (v))
#define VLOAD_ACT(p, k) vload_act((p), (k))
#define VFMA(a, b, c) vfma((a), (b), (c))
#define VSUM(v) vsum(v)
#define VLANE(x, i) ((x).v[0x##i])
DEVICE_FN vecf operator+(vecf a, vecf b) {
#pragma unroll
    for (int i = 0; i < VW; ++i) a.v[i] += b.v[i];
    return a;
}
DEVICE_FN vecf operator*(vecf a, vecf b) {
#pragma unroll
    for (int i = 0; i < VW; ++i) a.v[i] *= b.v[i];
    return a;
}
DEVICE_FN void vstore_act(act_t* p, int n, vecf v) {
#pragma unroll
    for (int i = 0; i < VW; ++i) STORE_ACT(p, n + i, v.v[i]);
}
#define VSTORE_ACT(p, n, v) vstore_act((p), (n), (v))
/* Where N < VW: lanes past the edge read the last column (never stored). */
DEVICE_FN vecf vload_act_edge(const act_t* p, int c, int n) {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = LOAD_ACT(p, min(c + i, n - 1));
    return r;
}
DEVICE_FN vecf vload_f32_edge(const float* p, int c, int n) {
    vecf r;
#pragma unroll
    for (int i = 0; i < VW; ++i) r.v[i] = p[min(c + i, n - 1)];
    return r;
}
<#if activation??>
/* The tiled GEMM 1 epilogue's activations, lane by lane (a GPU thread has no wider vectors). */
DEVICE_FN float activate(float gate, float up);
DEVICE_FN vecf vactivate(vecf gate, vecf up) {
#pragma unroll
    for (int i = 0; i < VW; ++i) gate.v[i] = activate(gate.v[i], up.v[i]);
    return gate;
}
</#if>

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
<#if actPack gt 0>
/* The tiled GEMM 1 epilogue's activations, ${actPack} at a time (lane by lane: a GPU thread has no wider vectors). */
struct packf { float v[${actPack}]; };
#define MAKE_PACK(...) (packf{ { __VA_ARGS__ } })
#define PACK_GET(pack, i) ((pack).v[0x##i])
DEVICE_FN float activate(float gate, float up);
DEVICE_FN packf activate_pack(packf gate, packf up) {
#pragma unroll
    for (int i = 0; i < ${actPack}; ++i) gate.v[i] = activate(gate.v[i], up.v[i]);
    return gate;
}
</#if>

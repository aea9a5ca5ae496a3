<#assign vw = params.VW>
<#-- params.VW: the plan's vector width (the bench program passes the device's) -->
/* The tiled GroupGEMM's K vectors: float${vw} (the device's native width), loaded VW activations at a time. */
<#if vw == 1>
typedef float vecf;
#define VZERO 0.0f
#define VSPLAT(f) (f)
#define VLOAD_ACT(p, k) LOAD_ACT(p, k)
#define VLOAD_F32(p, k) ((p)[k])
#define VSTORE_F32(p, k, v) ((p)[k] = (v))
#define VSUM(v) (v)
<#else>
typedef float${vw} vecf;
#define VZERO ((vecf)(0.0f))
#define VSPLAT(f) ((vecf)(f))
#define VLOAD_F32(p, k) vload${vw}(0, (p) + (k))
#define VSTORE_F32(p, k, v) vstore${vw}((v), 0, (p) + (k))
<#if dtype == "fp16">
#define VLOAD_ACT(p, k) vload_half${vw}(0, (p) + (k))
<#elseif dtype == "bf16">
#define VLOAD_ACT(p, k) as_float${vw}(convert_uint${vw}(vload${vw}(0, (p) + (k))) << 16)
<#else>
#define VLOAD_ACT(p, k) vload${vw}(0, (p) + (k))
</#if>
/* pairwise: halves added until one float remains */
DEVICE_FN float vsum(vecf v) {
<#assign w = vw cur = "v">
<#list [16, 8, 4, 2] as width>
<#if w == width>
    const ${(width == 2)?then("float", "float" + (width / 2))} s${width / 2} = ${cur}.lo + ${cur}.hi;
<#assign cur = "s" + (width / 2) w = width / 2>
</#if>
</#list>
    return ${cur};
}
#define VSUM(v) vsum(v)
</#if>
#define VFMA(a, b, c) fma((a), (b), (c))
<#if activation??>
<#include "../common/activation.ftl">
</#if>
<#if vw == 1>
#define VLANE(v, i) (v)
#define VSTORE_ACT(p, n, v) STORE_ACT(p, n, v)
<#if activation??>
#define vactivate(gate, up) activate((gate), (up))
</#if>
<#else>
#define VLANE(v, i) ((v).s##i)
<#if dtype == "fp16">
#define VSTORE_ACT(p, n, v) vstore_half${vw}_rte((v), 0, (p) + (n))
<#elseif dtype == "bf16">
/* VW floats to bf16 at once: round to nearest even, NaN kept quiet (float_to_bf16 lane by lane) */
DEVICE_FN void vstore_bf16(GLOBAL ushort* p, vecf v) {
    const uint${vw} u = as_uint${vw}(v);
    const uint${vw} r = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    const uint${vw} nan = (u >> 16) | 0x40u;
    vstore${vw}(convert_ushort${vw}(select(r, nan, (u & 0x7fffffffu) > 0x7f800000u)), 0, p);
}
#define VSTORE_ACT(p, n, v) vstore_bf16((p) + (n), (v))
<#else>
#define VSTORE_ACT(p, n, v) vstore${vw}((v), 0, (p) + (n))
</#if>
<#if activation??>
/* The tiled GEMM 1 epilogue's activations, VW at a time: one vector exp instead of VW library calls. */
DEVICE_FN vecf sigmoid_v(vecf v) { return 1.0f / (1.0f + exp(-v)); }
DEVICE_FN vecf vactivate(vecf gate, vecf up) {
<@activation_body T="vecf" vec=true sig="sigmoid_v"/>
}
</#if>
</#if>
/* Where N < VW: a vector's lanes loaded one by one, columns past the edge clamped to the last one (never stored). */
DEVICE_FN vecf vload_act_edge(GLOBAL const act_t* p, int c, int n) {
    vecf r;
<#list 0..<vw as l>
    VLANE(r, ${"0123456789abcdef"[l]}) = LOAD_ACT(p, min(c + ${l}, n - 1));
</#list>
    return r;
}
DEVICE_FN vecf vload_f32_edge(GLOBAL const float* p, int c, int n) {
    vecf r;
<#list 0..<vw as l>
    VLANE(r, ${"0123456789abcdef"[l]}) = p[min(c + ${l}, n - 1)];
</#list>
    return r;
}

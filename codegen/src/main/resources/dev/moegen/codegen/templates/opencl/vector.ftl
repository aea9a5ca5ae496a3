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
<#if actPack gt 0>
<#include "../common/activation.ftl">
/* The tiled GEMM 1 epilogue's activations, ${actPack} at a time: one vector exp instead of ${actPack} library calls. */
typedef float${actPack} packf;
#define MAKE_PACK(...) ((packf)(__VA_ARGS__))
#define PACK_GET(v, i) ((v).s##i)
DEVICE_FN packf sigmoid_pack(packf v) { return 1.0f / (1.0f + exp(-v)); }
DEVICE_FN packf activate_pack(packf gate, packf up) {
<@activation_body T="packf" vec=true sig="sigmoid_pack"/>
}
</#if>

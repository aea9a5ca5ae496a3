/* The activation dtype: act_t in memory, float in registers. */
<#if dtype == "fp16">
typedef half_t act_t;
#define LOAD_ACT(p, i) LOAD_HALF(p, i)
#define STORE_ACT(p, i, v) STORE_HALF(p, i, v)
<#elseif dtype == "bf16">
typedef ushort act_t;
#define LOAD_ACT(p, i) bf16_to_float((p)[i])
#define STORE_ACT(p, i, v) ((p)[i] = float_to_bf16(v))
<#else>
typedef float act_t;
#define LOAD_ACT(p, i) ((p)[i])
#define STORE_ACT(p, i, v) ((p)[i] = (v))
</#if>

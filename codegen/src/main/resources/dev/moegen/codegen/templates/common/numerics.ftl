/* bf16 <-> fp32 (round to nearest even, NaN kept quiet) and the expert activations. */
DEVICE_FN float bf16_to_float(ushort b) { return AS_FLOAT(((uint)b) << 16); }
DEVICE_FN ushort float_to_bf16(float f) {
    uint u = AS_UINT(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort)((u >> 16) | 0x40u);
    return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
DEVICE_FN float sigmoidf_(float v) { return 1.0f / (1.0f + exp(-v)); }
DEVICE_FN float activate(float gate, float up) {
<#if activation == "swiglu">
    return gate * sigmoidf_(gate) * up;
<#elseif activation == "geglu-tanh">
    return 0.5f * gate * (1.0f + tanh(0.7978845608028654f * (gate + 0.044715f * gate * gate * gate))) * up;
<#elseif activation == "swiglu-clamped">
    float g = fmin(gate, ${clampLimit}f);
    float u = fmax(-${clampLimit}f, fmin(up, ${clampLimit}f));
    return g * sigmoidf_(${clampAlpha}f * g) * (u + 1.0f);
<#else>
    return fmax(gate, 0.0f);
</#if>
}
/* (v, i) beats (w, j): larger value, ties to the lower index. */
DEVICE_FN int better(float v, int i, float w, int j) { return v > w || (v == w && i < j); }

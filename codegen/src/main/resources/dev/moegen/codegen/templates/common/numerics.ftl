/* Expert activations and the selection order. */
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

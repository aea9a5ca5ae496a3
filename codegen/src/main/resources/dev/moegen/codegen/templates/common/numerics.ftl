/* Expert activations and the selection order. */
DEVICE_FN float sigmoidf_(float v) { return 1.0f / (1.0f + exp(-v)); }
DEVICE_FN float activate(float gate, float up) {
<#if activation == "swiglu">
    return gate * sigmoidf_(gate) * up;
<#elseif activation == "geglu-tanh">
    /* 0.5 (1 + tanh z) written as sigmoid(2z): exactly 0 and 1 in the limits (exp overflows to inf), where 1 + tanh(z)
     * leaves an ulp that a huge gate turns into inf */
    const float z = 0.7978845608028654f * (gate + 0.044715f * gate * gate * gate);
    return gate * sigmoidf_(2.0f * z) * up;
<#elseif activation == "swiglu-clamped">
    /* comparisons, not fmin/fmax, so a NaN propagates as in the reference (fmin would drop it) */
    float g = gate > ${clampLimit}f ? ${clampLimit}f : gate;
    float u = up > ${clampLimit}f ? ${clampLimit}f : up < -${clampLimit}f ? -${clampLimit}f : up;
    return g * sigmoidf_(${clampAlpha}f * g) * (u + 1.0f);
<#else>
    return gate < 0.0f ? 0.0f : gate; /* NaN stays NaN */
</#if>
}
/* (v, i) beats (w, j): larger value, ties to the lower index. */
DEVICE_FN int better(float v, int i, float w, int j) { return v > w || (v == w && i < j); }
/* Selection ranks a NaN score as -inf (the lowest; ties to the lower index), so a NaN input still selects
 * valid, distinct experts. EXCLUDED (a NaN) marks experts that may not be picked: taken, or outside the kept groups. */
DEVICE_FN float rank_key(float v) { return isnan(v) ? -INFINITY : v; }
#define EXCLUDED AS_FLOAT(0x7fc00000u)

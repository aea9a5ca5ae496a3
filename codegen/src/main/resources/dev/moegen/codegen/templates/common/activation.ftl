<#--
  The expert activation as C statements over a value type T: `float` for activate(), and the OpenCL vector of the tiled
  epilogue for vactivate(). One definition renders both, so they cannot drift. vec: T is a vector (selections by
  select(), which keeps a NaN as the comparisons below do); sig: the sigmoid function for T.
-->
<#macro activation_body T vec sig>
<#if activation == "swiglu">
    return gate * ${sig}(gate) * up;
<#elseif activation == "geglu-tanh">
    /* 0.5 (1 + tanh z) written as sigmoid(2z): exactly 0 and 1 in the limits (exp overflows to inf), where 1 + tanh(z)
     * leaves an ulp that a huge gate turns into inf */
    const ${T} z = 0.7978845608028654f * (gate + 0.044715f * gate * gate * gate);
    return gate * ${sig}(2.0f * z) * up;
<#elseif activation == "swiglu-clamped">
    /* comparisons, not fmin/fmax, so a NaN propagates as in the reference (fmin would drop it) */
<#if vec>
    ${T} g = select(gate, (${T})(${clampLimit}f), gate > ${clampLimit}f);
    ${T} u = select(select(up, (${T})(-${clampLimit}f), up < -${clampLimit}f), (${T})(${clampLimit}f), up > ${clampLimit}f);
<#else>
    float g = gate > ${clampLimit}f ? ${clampLimit}f : gate;
    float u = up > ${clampLimit}f ? ${clampLimit}f : up < -${clampLimit}f ? -${clampLimit}f : up;
</#if>
    return g * ${sig}(${clampAlpha}f * g) * (u + 1.0f);
<#elseif vec>
    return select(gate, (${T})(0.0f), gate < 0.0f); /* NaN stays NaN */
<#else>
    return gate < 0.0f ? 0.0f : gate; /* NaN stays NaN */
</#if>
</#macro>

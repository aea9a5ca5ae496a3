/*
 * Philox4x32-10 (Salmon et al., SC 2011), keyed by (seed, "moeg"), counter (token, index, stream, 0): the same 32-bit
 * words as the Java reference's Philox, so a draw is a pure function of its counter, whatever the thread order.
 * Streams: 0 = noisy gating's epsilon (index = expert), 1 = GShard's second-expert coin (index 0).
 */
DEVICE_FN void philox_words(uint c0, uint c1, uint c2, uint seed, uint* w0, uint* w1) {
    uint c3 = 0u, k0 = seed, k1 = 0x6d6f6567u;
    for (int r = 0; r < 10; ++r) {
        if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        const ulong p0 = (ulong)0xD2511F53u * c0, p1 = (ulong)0xCD9E8D57u * c2;
        const uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c0 = n0; c1 = (uint)p1; c2 = n2; c3 = (uint)p0;
    }
    *w0 = c0; *w1 = c1;
}

/* A word's top 24 bits in [0, 1): exact in float, as in the reference. */
DEVICE_FN float philox_unit(uint w) { return (float)(w >> 8) * 5.9604645e-08f; }

DEVICE_FN float philox_uniform(int seed, int token, int index, int stream) {
    uint a, b;
    philox_words((uint)token, (uint)index, (uint)stream, (uint)seed, &a, &b);
    return philox_unit(a);
}

/*
 * N(0, 1) as sqrt(2) erfinv(x), x = (2m + 1 - 2^24) / 2^24 in (-1, 1) from a word's top 24 bits m (exact in float), with
 * Giles' single-precision erfinv ("Approximating the erfinv function", GPU Computing Gems, 2011): log and sqrt only,
 * so no trigonometric range reduction (and no stack frame) in the gating kernel.
 */
DEVICE_FN float philox_normal(int seed, int token, int index, int stream) {
    uint a, b;
    philox_words((uint)token, (uint)index, (uint)stream, (uint)seed, &a, &b);
    const float x = (float)((int)(2u * (a >> 8) + 1u) - (1 << 24)) * 5.9604645e-08f;
    float w = -log((1.0f - x) * (1.0f + x)), p;
    if (w < 5.0f) {
        w = w - 2.5f;
        p = 2.81022636e-08f;
        p = 3.43273939e-07f + p * w; p = -3.5233877e-06f + p * w; p = -4.39150654e-06f + p * w; p = 0.00021858087f + p * w;
        p = -0.00125372503f + p * w; p = -0.00417768164f + p * w; p = 0.246640727f + p * w; p = 1.50140941f + p * w;
    } else {
        w = sqrt(w) - 3.0f;
        p = -0.000200214257f;
        p = 0.000100950558f + p * w; p = 0.00134934322f + p * w; p = -0.00367342844f + p * w; p = 0.00573950773f + p * w;
        p = -0.0076224613f + p * w; p = 0.00943887047f + p * w; p = 1.00167406f + p * w; p = 2.83297682f + p * w;
    }
    return 1.41421356f * p * x;
}

/* log(1 + e^x); x itself past 20, where the two agree in float. */
DEVICE_FN float softplusf_(float x) { return x > 20.0f ? x : log1p(exp(x)); }

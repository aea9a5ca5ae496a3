package dev.moegen.verify.reference;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the counter-based
 * generator the gating kernels use (templates/common/random.ftl): the same 32-bit integer arithmetic, so the
 * kernels and the reference draw bit-identical words for a (seed, token, index, stream) and only the float
 * transforms below differ by rounding.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    /** The second key word: fixed, so a layer's stream is named by its 32-bit seed alone ("moeg"). */
    public static final int KEY1 = 0x6d6f6567;
    /** Streams: what a counter's third word says the draw is for. */
    public static final int NOISE_STREAM = 0, SECOND_EXPERT_STREAM = 1;

    private Philox() {}

    /** The four output words for counter (c0..c3) and key (k0, k1). */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) { k0 += W0; k1 += W1; }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL), p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0, hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        }
        return new int[] {c0, c1, c2, c3};
    }

    private static int[] draw(int seed, int token, int index, int stream) {
        return block(token, index, stream, 0, seed, KEY1);
    }

    /** A word's top 24 bits as a float in [0, 1): exact in float and double alike. */
    static double unit(int word) {
        return (word >>> 8) * 0x1p-24;
    }

    /** u ~ U[0, 1) for (seed, token, index, stream). */
    public static double uniform(int seed, int token, int index, int stream) {
        return unit(draw(seed, token, index, stream)[0]);
    }

    /**
     * ε ~ N(0, 1) as √2 · erfinv(x), x = (2m + 1 − 2²⁴) / 2²⁴ ∈ (−1, 1) from the first word's top 24 bits m, with Giles'
     * single-precision erfinv polynomial (GPU Computing Gems, 2011; max error 7e-7), the kernels' formula, in double.
     */
    public static double normal(int seed, int token, int index, int stream) {
        int m = draw(seed, token, index, stream)[0] >>> 8;
        double x = (2.0 * m + 1 - (1 << 24)) * 0x1p-24;
        return Math.sqrt(2) * erfinv(x);
    }

    /** Giles' erfinv on (−1, 1). */
    public static double erfinv(double x) {
        double w = -Math.log((1 - x) * (1 + x)), p;
        if (w < 5) {
            w -= 2.5;
            p = 2.81022636e-08;
            for (double c : new double[] {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                    0.246640727, 1.50140941}) p = c + p * w;
        } else {
            w = Math.sqrt(w) - 3;
            p = -0.000200214257;
            for (double c : new double[] {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                    1.00167406, 2.83297682}) p = c + p * w;
        }
        return p * x;
    }
}

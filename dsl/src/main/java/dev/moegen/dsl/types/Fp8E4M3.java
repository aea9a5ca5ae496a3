package dev.moegen.dsl.types;

/** OCP FP8 E4M3 (bias 7, max 448, no infinities): rounding only, for storage and specs. */
final class Fp8E4M3 {
    private static final float MAX = 448f;

    private Fp8E4M3() {}

    static float round(float v) {
        if (Float.isNaN(v)) return v;
        float a = Math.abs(v);
        if (a > MAX) return Math.copySign(Float.NaN, v); // E4M3 saturates to NaN when not clamped
        if (a == 0f) return v;
        int exp = Math.max(Math.getExponent(a), -6); // subnormals below 2^-6
        float quantum = Math.scalb(1f, exp - 3); // 3 mantissa bits
        return Math.copySign((float) (Math.rint(a / quantum) * quantum), v);
    }
}

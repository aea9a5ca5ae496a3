package dev.moegen.verify.compare;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Comparisons of kernel outputs with reference values. */
public final class Compare {
    private Compare() {}

    public static CompareResult close(String name, float[] actual, double[] expected, Tolerance tol) {
        return close(name, actual, expected, tol, i -> true);
    }

    /**
     * Continuous comparison over the elements {@code include} selects. NaN passes only where the
     * reference has NaN; ±∞ must match exactly.
     */
    public static CompareResult close(String name, float[] actual, double[] expected, Tolerance tol, IntPredicate include) {
        if (actual.length < expected.length)
            return fail(name, expected.length, "actual has " + actual.length + " elements, expected " + expected.length);
        double sumSq = 0;
        long n = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!include.test(i) || !Double.isFinite(expected[i])) continue;
            sumSq += expected[i] * expected[i];
            n++;
        }
        double rms = n == 0 ? 0 : Math.sqrt(sumSq / n);
        double atol = tol.rtol() * tol.atolScale() * rms;
        double errSq = 0, maxAbs = 0, worstExcess = Double.NEGATIVE_INFINITY;
        long violations = 0, worst = -1, count = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!include.test(i)) continue;
            count++;
            double a = actual[i], e = expected[i];
            boolean bad;
            double err, excess;
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                bad = !(Double.isNaN(e) && Double.isNaN(a)) && a != e;
                err = bad ? Double.POSITIVE_INFINITY : 0;
                excess = bad ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            } else {
                err = Math.abs(a - e);
                excess = err - (atol + tol.rtol() * Math.abs(e));
                bad = excess > 0;
                errSq += err * err;
            }
            maxAbs = Math.max(maxAbs, err);
            if (bad) violations++;
            if (excess > worstExcess || worst < 0) {
                worstExcess = excess;
                worst = i;
            }
        }
        double rel = sumSq == 0 ? Math.sqrt(errSq) : Math.sqrt(errSq / sumSq);
        boolean relOk = rel <= tol.rtol() || (sumSq == 0 && errSq == 0);
        boolean pass = violations == 0 && relOk;
        String detail = relOk ? "" : String.format("relative error %.3e > rtol %.2e", rel, tol.rtol());
        return new CompareResult(name, count, maxAbs, rel, tol.rtol(), atol, violations, worst,
                worst < 0 ? Double.NaN : actual[(int) worst], worst < 0 ? Double.NaN : expected[(int) worst], pass, detail);
    }

    /** Discrete outputs: exact equality over {@code [0, length)}. */
    public static CompareResult exact(String name, int[] actual, int[] expected, int length) {
        if (actual.length < length || expected.length < length)
            return fail(name, length, "arrays shorter than " + length + ": actual " + actual.length + ", expected " + expected.length);
        long bad = 0, first = -1;
        for (int i = 0; i < length; i++)
            if (actual[i] != expected[i]) {
                if (first < 0) first = i;
                bad++;
            }
        return new CompareResult(name, length, bad == 0 ? 0 : Double.POSITIVE_INFINITY, bad == 0 ? 0 : 1, 0, 0, bad, first,
                first < 0 ? Double.NaN : actual[(int) first], first < 0 ? Double.NaN : expected[(int) first], bad == 0,
                bad == 0 ? "" : "first mismatch at " + first + " of " + Arrays.toString(Arrays.copyOfRange(actual, (int) first, (int) Math.min(length, first + 8))));
    }

    static CompareResult fail(String name, long n, String why) {
        return new CompareResult(name, n, Double.NaN, Double.NaN, 0, 0, n, -1, Double.NaN, Double.NaN, false, why);
    }
}

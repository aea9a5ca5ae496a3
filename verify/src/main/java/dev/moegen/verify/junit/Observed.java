package dev.moegen.verify.junit;

/**
 * What a layer under test produced: its output y[T, H] and, optionally, its routed top-k ids
 * [T, slots] (routed slots first). With ids the check is tie-aware; without, a near tie in routing
 * shows up as an output mismatch.
 */
public record Observed(float[] y, int[] topkIds) {
    public static Observed y(float[] y) {
        return new Observed(y, null);
    }
}

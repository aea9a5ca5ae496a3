package dev.moegen.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/** Median of repeated device-timed runs after warm-up. */
final class Timing {
    private Timing() {}

    static long medianNanos(int warmup, int reps, LongSupplier run) {
        for (int i = 0; i < warmup; i++) run.getAsLong();
        long[] t = new long[reps];
        for (int i = 0; i < reps; i++) t[i] = run.getAsLong();
        return median(t);
    }

    static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

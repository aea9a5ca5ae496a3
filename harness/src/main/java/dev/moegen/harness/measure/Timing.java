package dev.moegen.harness.measure;

import java.util.Arrays;
import java.util.function.LongSupplier;

/** The measurement protocol's arithmetic: warm-up, then repeated device-timed runs summarised by median and spread. */
public final class Timing {
    private Timing() {}

    /** Median, minimum and maximum of repeated timings (ns): the spread says how noisy the median is. */
    public record Stats(long median, long min, long max, int reps) {
        public static Stats of(long[] t) {
            return new Stats(Timing.median(t), Arrays.stream(t).min().orElseThrow(), Arrays.stream(t).max().orElseThrow(), t.length);
        }

        public double medianMs() {
            return median / 1e6;
        }
    }

    /** {@code warmup} untimed runs, then the median of {@code reps} timed ones. */
    public static long medianNanos(int warmup, int reps, LongSupplier run) {
        for (int i = 0; i < warmup; i++) run.getAsLong();
        long[] t = new long[reps];
        for (int i = 0; i < reps; i++) t[i] = run.getAsLong();
        return median(t);
    }

    public static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

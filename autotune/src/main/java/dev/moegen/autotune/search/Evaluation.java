package dev.moegen.autotune.search;

import java.util.Map;

/**
 * What one point measured: its time (seconds) when it ran and was right, else why not. A failed point is recorded
 * with its reason and never chosen. {@code metrics} carries figures a caller wants kept beside the time (e.g. per
 * kernel), by name.
 */
public record Evaluation(String key, Status status, double seconds, String detail, Map<String, Double> metrics) {
    public enum Status {
        /** ran, verified, timed */
        OK,
        /** ran, but its output disagreed with the reference */
        WRONG,
        /** failed at run time (launch error, crash, timeout) */
        RUNTIME_ERROR,
        /** did not compile */
        COMPILE_ERROR
    }

    public Evaluation {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        detail = detail == null ? "" : detail;
        if (status == Status.OK && !(seconds > 0 && Double.isFinite(seconds)))
            throw new IllegalArgumentException("an OK evaluation of '" + key + "' needs a positive time, got " + seconds);
    }

    public static Evaluation ok(String key, double seconds, Map<String, Double> metrics) {
        return new Evaluation(key, Status.OK, seconds, "", metrics);
    }

    public static Evaluation failed(String key, Status status, String why) {
        if (status == Status.OK) throw new IllegalArgumentException("a failure needs a failing status");
        return new Evaluation(key, status, Double.NaN, why, Map.of());
    }

    public boolean ok() {
        return status == Status.OK;
    }
}

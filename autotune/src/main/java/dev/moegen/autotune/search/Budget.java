package dev.moegen.autotune.search;

import java.time.Duration;

/**
 * How much a search may spend: evaluations (0: no limit) and wall time (null: no limit). A search also ends when
 * every point has been evaluated.
 */
public record Budget(int evaluations, Duration time) {
    public Budget {
        if (evaluations < 0) throw new IllegalArgumentException("budget: evaluations = " + evaluations + ": must be >= 0");
        if (time != null && (time.isNegative() || time.isZero())) throw new IllegalArgumentException("budget: time = " + time + ": must be > 0");
    }

    public static Budget unlimited() {
        return new Budget(0, null);
    }

    public static Budget evaluations(int n) {
        if (n < 1) throw new IllegalArgumentException("budget: evaluations = " + n + ": must be >= 1");
        return new Budget(n, null);
    }

    public static Budget time(Duration d) {
        return new Budget(0, d);
    }

    public String describe() {
        if (evaluations == 0 && time == null) return "whole space";
        return (evaluations > 0 ? evaluations + " evaluations" : "") + (evaluations > 0 && time != null ? " or " : "")
                + (time != null ? time.toSeconds() + " s" : "");
    }
}

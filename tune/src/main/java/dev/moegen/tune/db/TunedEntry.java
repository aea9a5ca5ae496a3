package dev.moegen.tune.db;

import java.util.Map;

/**
 * The best parameters found for one token bucket: the family's values by key, their measured time, the heuristic's
 * time measured alternately with it, and how the search got there.
 */
public record TunedEntry(Map<String, Object> params, double ms, double heuristicMs, int evaluations, int failures, String strategy, String routing,
                         String date) {
    public TunedEntry {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}

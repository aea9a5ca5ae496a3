package dev.moegen.autotune.space;

import java.util.List;

/**
 * A finite search space, already pruned of infeasible points: points 0..size-1, each with a stable key (what
 * caches and databases store) and numeric features, one per dimension scaled into [0, 1] (what cost models and
 * neighbourhoods read). Strategies see only this; what a point means is the caller's business.
 */
public interface SearchSpace {
    int size();

    String key(int index);

    double[] features(int index);

    default int dimensions() {
        return size() == 0 ? 0 : features(0).length;
    }

    /**
     * A space from keys alone, each "name=value,..." (what caches store): a numeric value becomes log2 of it, any other
     * value the index of its first appearance among that name's values; a name a key lacks counts as 0. How a replay
     * rebuilds the space of a finished tune.
     */
    static SearchSpace fromKeys(List<String> keys) {
        java.util.LinkedHashMap<String, java.util.List<String>> names = new java.util.LinkedHashMap<>();
        List<java.util.Map<String, String>> parsed = new java.util.ArrayList<>();
        for (String k : keys) {
            java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
            for (String kv : k.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException("point key '" + k + "': expected name=value pairs separated by commas");
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
                names.computeIfAbsent(kv.substring(0, eq), x -> new java.util.ArrayList<>());
            }
            parsed.add(m);
        }
        List<double[]> raw = new java.util.ArrayList<>();
        for (var m : parsed) {
            double[] f = new double[names.size()];
            int j = 0;
            for (var n : names.entrySet()) {
                String v = m.get(n.getKey());
                if (v != null) {
                    try {
                        double d = Double.parseDouble(v);
                        f[j] = d > 0 ? Math.log(d) / Math.log(2) : 0;
                    } catch (NumberFormatException e) {
                        if (!n.getValue().contains(v)) n.getValue().add(v);
                        f[j] = n.getValue().indexOf(v);
                    }
                }
                j++;
            }
            raw.add(f);
        }
        return of(keys, raw);
    }

    /** A space from keys and raw coordinates (e.g. log2 of tile sizes), each dimension min-max scaled into [0, 1]. */
    static SearchSpace of(List<String> keys, List<double[]> raw) {
        return TableSpace.scaled(keys, raw);
    }
}

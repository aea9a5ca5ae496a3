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

    /** A space from keys and raw coordinates (e.g. log2 of tile sizes), each dimension min-max scaled into [0, 1]. */
    static SearchSpace of(List<String> keys, List<double[]> raw) {
        return TableSpace.scaled(keys, raw);
    }
}

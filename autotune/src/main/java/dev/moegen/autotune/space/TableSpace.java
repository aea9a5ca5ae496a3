package dev.moegen.autotune.space;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link SearchSpace} held as a table: keys and features scaled per dimension into [0, 1]. */
final class TableSpace implements SearchSpace {
    private final List<String> keys;
    private final double[][] features;

    private TableSpace(List<String> keys, double[][] features) {
        this.keys = List.copyOf(keys);
        this.features = features;
    }

    static TableSpace scaled(List<String> keys, List<double[]> raw) {
        if (keys.size() != raw.size()) throw new IllegalArgumentException(keys.size() + " keys but " + raw.size() + " feature rows");
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < keys.size(); i++)
            if (seen.put(keys.get(i), i) != null) throw new IllegalArgumentException("duplicate point key '" + keys.get(i) + "'");
        int d = raw.isEmpty() ? 0 : raw.get(0).length;
        double[] lo = new double[d], hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] r : raw) {
            if (r.length != d) throw new IllegalArgumentException("feature rows of different lengths: " + d + " and " + r.length);
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], r[j]);
                hi[j] = Math.max(hi[j], r[j]);
            }
        }
        double[][] f = new double[raw.size()][d];
        for (int i = 0; i < raw.size(); i++)
            for (int j = 0; j < d; j++) f[i][j] = hi[j] > lo[j] ? (raw.get(i)[j] - lo[j]) / (hi[j] - lo[j]) : 0;
        return new TableSpace(keys, f);
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public String key(int index) {
        return keys.get(index);
    }

    @Override
    public double[] features(int index) {
        return features[index].clone();
    }
}

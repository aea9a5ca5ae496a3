package dev.moegen.autotune;

import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Objective;
import dev.moegen.autotune.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A synthetic tuning problem: a 4-D grid, time a smooth bowl in log space with its minimum off-centre, some points failing. */
final class Bowl implements Objective {
    static final int SIDE = 7;
    final SearchSpace space;
    final List<int[]> coords = new ArrayList<>();
    int calls;

    Bowl() {
        List<String> keys = new ArrayList<>();
        List<double[]> raw = new ArrayList<>();
        for (int a = 0; a < SIDE; a++)
            for (int b = 0; b < SIDE; b++)
                for (int c = 0; c < SIDE; c++)
                    for (int d = 0; d < 4; d++) {
                        coords.add(new int[] {a, b, c, d});
                        keys.add("a=" + a + ",b=" + b + ",c=" + c + ",d=" + d);
                        raw.add(new double[] {a, b, c, d});
                    }
        space = SearchSpace.of(keys, raw);
    }

    /** Fails where a + b is 12 (too big a tile, say), and WRONG where c is 0 and d is 3 (a miscompiled corner that would be fastest). */
    @Override
    public Evaluation evaluate(int i) {
        calls++;
        int[] p = coords.get(i);
        String k = space.key(i);
        if (p[0] + p[1] == 12) return Evaluation.failed(k, Evaluation.Status.COMPILE_ERROR, "too big");
        if (p[2] == 0 && p[3] == 3) return Evaluation.failed(k, Evaluation.Status.WRONG, "max error 1e3");
        return Evaluation.ok(k, seconds(p), Map.of("gemm1", seconds(p) / 2));
    }

    static double seconds(int[] p) {
        double x = p[0] - 4.3, y = p[1] - 1.7, z = p[2] - 5.1, w = p[3] - 1;
        return 1e-3 * Math.exp(0.08 * x * x + 0.12 * y * y + 0.05 * z * z + 0.1 * w * w + 0.03 * x * y);
    }

    /** The best passing time by brute force. */
    double best() {
        double b = Double.POSITIVE_INFINITY;
        for (int i = 0; i < space.size(); i++) {
            int[] p = coords.get(i);
            if (p[0] + p[1] != 12 && !(p[2] == 0 && p[3] == 3)) b = Math.min(b, seconds(p));
        }
        return b;
    }
}

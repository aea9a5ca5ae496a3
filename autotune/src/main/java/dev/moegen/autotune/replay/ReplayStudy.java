package dev.moegen.autotune.replay;

import dev.moegen.autotune.cache.CachedObjective;
import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Strategy;
import dev.moegen.autotune.search.Tuning;
import dev.moegen.autotune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fast each strategy finds a good point, measured without a device: every strategy runs against an exhaustive
 * cache from many seeds, and each run counts the evaluations it needed to come within {@code within} (e.g. 0.03)
 * of the cache's best time.
 */
public final class ReplayStudy {
    private ReplayStudy() {}

    /** One strategy's figures over the seeds: median and 10th/90th percentile of evaluations needed, the median as a fraction of the space. */
    public record Figure(String strategy, int seeds, double median, int p10, int p90, double fractionOfSpace, int[] perSeed) {}

    /** The best OK time in the cache over the space's points; fails when the cache does not cover the space. */
    public static double bestSeconds(SearchSpace space, EvalCache cache) {
        double best = Double.POSITIVE_INFINITY;
        int missing = 0;
        for (int i = 0; i < space.size(); i++) {
            Evaluation e = cache.entries().get(space.key(i));
            if (e == null) missing++;
            else if (e.ok()) best = Math.min(best, e.seconds());
        }
        if (missing > 0) throw new IllegalArgumentException("the cache " + cache.file() + " lacks " + missing + " of the space's " + space.size()
                + " points: a replay study needs an exhaustive cache (moegen tune --strategy exhaustive)");
        if (best == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("no point in " + cache.file() + " passed");
        return best;
    }

    public static List<Figure> run(SearchSpace space, EvalCache cache, List<Strategy> strategies, int seeds, double within) {
        if (seeds < 1) throw new IllegalArgumentException("--seeds = " + seeds + ": must be >= 1");
        if (!(within >= 0)) throw new IllegalArgumentException("--within = " + within + ": must be >= 0");
        double target = bestSeconds(space, cache) * (1 + within);
        List<Figure> out = new ArrayList<>();
        for (Strategy s : strategies) {
            int[] n = new int[seeds];
            for (int seed = 0; seed < seeds; seed++)
                n[seed] = Tuning.run(space, CachedObjective.replay(space, cache), s, Budget.unlimited(), seed + 1, target, null).evaluations();
            int[] sorted = n.clone();
            Arrays.sort(sorted);
            double median = seeds % 2 == 1 ? sorted[seeds / 2] : (sorted[seeds / 2 - 1] + sorted[seeds / 2]) / 2.0;
            out.add(new Figure(s.id(), seeds, median, sorted[(int) Math.floor(0.1 * (seeds - 1))], sorted[(int) Math.ceil(0.9 * (seeds - 1))],
                    median / space.size(), n));
        }
        return out;
    }
}

package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Bayesian optimisation: a few random points, then each next point is the unevaluated one of highest expected
 * improvement under a Gaussian-process model of log time over the points' features (Matérn 5/2 kernel, its length
 * scale refitted by marginal likelihood at every step). Log time, because tile choices change time by factors.
 * A failed point counts as slower than every point that ran, so the model steers away from its neighbourhood
 * without ever choosing it.
 */
public final class BayesOpt implements Strategy {
    /** Observation noise, as a variance of standardised log time: device timings repeat to a few percent. */
    static final double NOISE = 0.01;
    static final double[] LENGTH_SCALES = {0.15, 0.3, 0.5, 0.8, 1.3};
    /** Expected improvement's exploration margin, in standard deviations of log time. */
    static final double XI = 0.01;
    /** Above this many evaluations the model is fitted on the best half and the most recent half of this many. */
    static final int MODEL_POINTS = 240;
    /** Points ranked and handed to the objective to prepare (compile) at each step. */
    static final int AHEAD = 2;
    /** How much slower than the slowest passing point a failed one is taken to be (log time). */
    static final double FAILURE_PENALTY = 0.5;

    @Override
    public String id() {
        return "bayes";
    }

    @Override
    public String describe() {
        return "Bayesian optimisation: Gaussian process over the points' features, expected improvement";
    }

    /** Random points before the model takes over: 2 % of the space, between 6 and 15. */
    static int initialPoints(int n) {
        return Math.min(n, Math.max(6, Math.min(15, (int) Math.ceil(0.02 * n))));
    }

    @Override
    public void search(Search s) {
        int n = s.space().size();
        List<Integer> order = Walk.shuffled(s);
        List<Integer> initial = order.subList(0, initialPoints(n));
        s.prepare(initial);
        for (int i : initial) if (!s.done()) s.evaluate(i);
        int next = initial.size();
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) x[i] = s.space().features(i);
        while (!s.done()) {
            List<Integer> ranked = propose(s, x);
            int pick;
            if (ranked.isEmpty()) { // nothing ran yet: keep sampling at random
                while (next < n && s.evaluated(order.get(next))) next++;
                if (next == n) return;
                pick = order.get(next);
            } else {
                pick = ranked.get(0);
                s.prepare(ranked); // the runner-up often comes next: a backend compiles both at once
            }
            s.evaluate(pick);
        }
    }

    /** The unevaluated points of highest expected improvement, best first ({@link #AHEAD} of them); empty while no point has passed. */
    private List<Integer> propose(Search s, double[][] x) {
        List<Map.Entry<Integer, Evaluation>> recent = new ArrayList<>(s.results().entrySet());
        double worst = Double.NEGATIVE_INFINITY;
        for (var e : recent) if (e.getValue().ok()) worst = Math.max(worst, Math.log(e.getValue().seconds()));
        if (worst == Double.NEGATIVE_INFINITY) return List.of();
        double fail = worst + FAILURE_PENALTY;
        java.util.function.ToDoubleFunction<Map.Entry<Integer, Evaluation>> logTime = e -> e.getValue().ok() ? Math.log(e.getValue().seconds()) : fail;
        List<Map.Entry<Integer, Evaluation>> used = new ArrayList<>(recent);
        used.sort(Comparator.comparingDouble(logTime));
        if (used.size() > MODEL_POINTS) { // the best half and the most recent half: where to look and what was just learnt
            used = new ArrayList<>(used.subList(0, MODEL_POINTS / 2));
            java.util.Set<Integer> in = new java.util.HashSet<>();
            for (var e : used) in.add(e.getKey());
            for (int i = recent.size() - 1; i >= 0 && used.size() < MODEL_POINTS; i--) if (in.add(recent.get(i).getKey())) used.add(recent.get(i));
        }
        int m = used.size();
        double[][] xs = new double[m][];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            xs[i] = x[used.get(i).getKey()];
            y[i] = logTime.applyAsDouble(used.get(i));
        }
        Gp gp = Gp.fit(xs, y);
        double bestY = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) if (used.get(i).getValue().ok()) bestY = Math.min(bestY, gp.standardise(y[i]));
        int[] top = new int[AHEAD];
        double[] topEi = new double[AHEAD];
        java.util.Arrays.fill(top, -1);
        java.util.Arrays.fill(topEi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < x.length; i++) {
            if (s.evaluated(i)) continue;
            double[] mv = gp.predict(x[i]);
            double sd = Math.sqrt(mv[1]), imp = bestY - mv[0] - XI;
            double ei = sd < 1e-12 ? Math.max(0, imp) : imp * Gp.cdf(imp / sd) + sd * Gp.pdf(imp / sd);
            ei += 1e-12 * s.random().nextDouble(); // ties (e.g. far from every point) broken at random
            for (int r = 0; r < AHEAD; r++)
                if (ei > topEi[r]) { // insert at rank r
                    System.arraycopy(topEi, r, topEi, r + 1, AHEAD - r - 1);
                    System.arraycopy(top, r, top, r + 1, AHEAD - r - 1);
                    topEi[r] = ei;
                    top[r] = i;
                    break;
                }
        }
        List<Integer> out = new ArrayList<>();
        for (int i : top) if (i >= 0) out.add(i);
        return out;
    }
}

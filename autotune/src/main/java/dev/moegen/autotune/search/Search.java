package dev.moegen.autotune.search;

import dev.moegen.autotune.space.SearchSpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * One search in progress, as a strategy sees it: the space, a seeded random source, and {@link #evaluate}, which
 * spends the budget (a point is evaluated at most once; asking again returns the first result for free). The search
 * is {@link #done} when the budget is spent, every point is evaluated, or the best time reached {@code target}.
 */
public final class Search {
    /** Told after every fresh evaluation: how many so far, the evaluation, and the best OK time so far (NaN before one). */
    public interface Listener {
        void evaluated(int count, int index, Evaluation e, double bestSeconds);
    }

    private final SearchSpace space;
    private final Objective objective;
    private final Budget budget;
    private final SplittableRandom random;
    private final double target;
    private final Listener listener;
    private final long startNanos = System.nanoTime();
    private final Map<Integer, Evaluation> results = new LinkedHashMap<>();
    private final List<Double> bestSoFar = new ArrayList<>();
    private int best = -1;

    /** @param target stop once an OK time is at or below this (seconds); 0 for no target */
    public Search(SearchSpace space, Objective objective, Budget budget, long seed, double target, Listener listener) {
        this.space = space;
        this.objective = objective;
        this.budget = budget;
        this.random = new SplittableRandom(seed);
        this.target = target;
        this.listener = listener == null ? (c, i, e, b) -> {} : listener;
    }

    public SearchSpace space() {
        return space;
    }

    public SplittableRandom random() {
        return random;
    }

    public boolean done() {
        if (results.size() >= space.size()) return true;
        if (budget.evaluations() > 0 && results.size() >= budget.evaluations()) return true;
        if (budget.time() != null && Duration.ofNanos(System.nanoTime() - startNanos).compareTo(budget.time()) >= 0) return true;
        return best >= 0 && results.get(best).seconds() <= target;
    }

    /** How many fresh evaluations the budget still allows (Integer.MAX_VALUE when only time bounds it). */
    public int remaining() {
        int left = space.size() - results.size();
        return budget.evaluations() > 0 ? Math.min(left, budget.evaluations() - results.size()) : left;
    }

    public boolean evaluated(int index) {
        return results.containsKey(index);
    }

    /** The point's evaluation; empty when the search is done and the point was not evaluated before. */
    public Optional<Evaluation> evaluate(int index) {
        Evaluation e = results.get(index);
        if (e != null) return Optional.of(e);
        if (done()) return Optional.empty();
        e = objective.evaluate(index);
        results.put(index, e);
        if (e.ok() && (best < 0 || e.seconds() < results.get(best).seconds())) best = index;
        double b = best < 0 ? Double.NaN : results.get(best).seconds();
        bestSoFar.add(b);
        listener.evaluated(results.size(), index, e, b);
        return Optional.of(e);
    }

    /** Hands the objective the points about to be evaluated (it may compile them ahead), not more than the budget allows. */
    public void prepare(List<Integer> upcoming) {
        List<Integer> fresh = upcoming.stream().filter(i -> !results.containsKey(i)).limit(remaining()).toList();
        if (!fresh.isEmpty()) objective.prepare(fresh);
    }

    public Map<Integer, Evaluation> results() {
        return Collections.unmodifiableMap(results);
    }

    public OptionalInt best() {
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** The best OK time after each evaluation (NaN until the first OK one). */
    public List<Double> bestSoFar() {
        return Collections.unmodifiableList(bestSoFar);
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}

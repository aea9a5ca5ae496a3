package dev.moegen.autotune.search;

import dev.moegen.autotune.space.SearchSpace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs one strategy over a space under a budget and summarises what it found. */
public final class Tuning {
    private Tuning() {}

    /**
     * What a search found: the best point (empty when none passed), every evaluation by index, the best time after
     * each evaluation, how many failed, and how long it took.
     */
    public record Outcome(String strategy, Optional<Integer> best, Map<Integer, Evaluation> results, List<Double> bestSoFar, Duration elapsed) {
        public Optional<Evaluation> bestEvaluation() {
            return best.map(results::get);
        }

        public long failures() {
            return results.values().stream().filter(e -> !e.ok()).count();
        }

        public int evaluations() {
            return results.size();
        }
    }

    public static Outcome run(SearchSpace space, Objective objective, Strategy strategy, Budget budget, long seed, Search.Listener listener) {
        return run(space, objective, strategy, budget, seed, 0, listener);
    }

    /** @param target stop once an OK time is at or below this many seconds (0: no target) */
    public static Outcome run(SearchSpace space, Objective objective, Strategy strategy, Budget budget, long seed, double target, Search.Listener listener) {
        Search s = new Search(space, objective, budget, seed, target, listener);
        if (space.size() > 0) strategy.search(s);
        var best = s.best();
        return new Outcome(strategy.id(), best.isPresent() ? Optional.of(best.getAsInt()) : Optional.empty(), java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(s.results())), List.copyOf(s.bestSoFar()), s.elapsed());
    }
}

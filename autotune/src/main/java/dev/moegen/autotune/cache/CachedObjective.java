package dev.moegen.autotune.cache;

import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Objective;
import dev.moegen.autotune.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An objective behind a cache: a point the cache holds is answered from it (resume, replay); any other is measured
 * by {@code live} and recorded before it is returned. Before it is measured, the point is recorded as a run-time
 * failure ("the tuner stopped while measuring it"), which its result then overrides: a point that kills the process
 * (a driver crash, a hang the user interrupts) stays recorded as failed, so a resumed tune never runs it again. With no live objective (replay), a point missing from the
 * cache is a failure that says so, and is never chosen.
 */
public final class CachedObjective implements Objective {
    private final SearchSpace space;
    private final EvalCache cache;
    private final Objective live;
    /** What a point measured when the process ended says in the cache. */
    public static final String IN_PROGRESS = "the tuner stopped while measuring this point (crash, hang or interrupt)";

    /** Keys the cache held before this run that must be measured again (not resuming); empty when resuming. */
    private final java.util.Set<String> remeasure;

    /** Serves what the cache holds (resume). */
    public CachedObjective(SearchSpace space, EvalCache cache, Objective live) {
        this(space, cache, live, true);
    }

    /** @param reuse whether evaluations already in the cache count; without, they are measured again (and the new line wins) */
    public CachedObjective(SearchSpace space, EvalCache cache, Objective live, boolean reuse) {
        this.space = space;
        this.cache = cache;
        this.live = live;
        this.remeasure = reuse || live == null ? new java.util.HashSet<>() : new java.util.HashSet<>(cache.entries().keySet());
    }

    /** Answers from the cache only: the replay of a finished tune, no device needed. */
    public static CachedObjective replay(SearchSpace space, EvalCache cache) {
        return new CachedObjective(space, cache, null);
    }

    @Override
    public Evaluation evaluate(int index) {
        String key = space.key(index);
        if (cached(key)) return cache.entries().get(key);
        if (live == null) return Evaluation.failed(key, Evaluation.Status.RUNTIME_ERROR, "not in the replayed cache");
        record(Evaluation.failed(key, Evaluation.Status.RUNTIME_ERROR, IN_PROGRESS));
        Evaluation e = live.evaluate(index);
        remeasure.remove(key);
        record(e);
        return e;
    }

    @Override
    public void prepare(List<Integer> upcoming) {
        if (live == null) return;
        List<Integer> fresh = upcoming.stream().filter(i -> !cached(space.key(i))).toList();
        if (!fresh.isEmpty()) live.prepare(fresh);
    }

    /** Whether the cache answers for {@code key} in this run. */
    private boolean cached(String key) {
        return !remeasure.contains(key) && cache.entries().containsKey(key);
    }

    private void record(Evaluation e) {
        try {
            cache.record(e);
        } catch (IOException x) {
            throw new UncheckedIOException("writing the tune cache " + cache.file(), x);
        }
    }
}

package dev.moegen.autotune.cache;

import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Objective;
import dev.moegen.autotune.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An objective behind a cache: a point the cache holds is answered from it (resume, replay); any other is measured
 * by {@code live} and recorded before it is returned. With no live objective (replay), a point missing from the
 * cache is a failure that says so, and is never chosen.
 */
public final class CachedObjective implements Objective {
    private final SearchSpace space;
    private final EvalCache cache;
    private final Objective live;
    private int hits;

    public CachedObjective(SearchSpace space, EvalCache cache, Objective live) {
        this.space = space;
        this.cache = cache;
        this.live = live;
    }

    /** Answers from the cache only: the replay of a finished tune, no device needed. */
    public static CachedObjective replay(SearchSpace space, EvalCache cache) {
        return new CachedObjective(space, cache, null);
    }

    @Override
    public Evaluation evaluate(int index) {
        String key = space.key(index);
        Evaluation e = cache.entries().get(key);
        if (e != null) {
            hits++;
            return e;
        }
        if (live == null) return Evaluation.failed(key, Evaluation.Status.RUNTIME_ERROR, "not in the replayed cache");
        e = live.evaluate(index);
        try {
            cache.record(e);
        } catch (IOException x) {
            throw new UncheckedIOException("writing the tune cache " + cache.file(), x);
        }
        return e;
    }

    @Override
    public void prepare(List<Integer> upcoming) {
        if (live == null) return;
        List<Integer> fresh = upcoming.stream().filter(i -> !cache.entries().containsKey(space.key(i))).toList();
        if (!fresh.isEmpty()) live.prepare(fresh);
    }

    /** Points answered from the cache so far. */
    public int hits() {
        return hits;
    }
}

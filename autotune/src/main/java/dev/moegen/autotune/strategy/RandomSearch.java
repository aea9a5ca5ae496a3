package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;

/** Points in a seeded random order, without repeats: the baseline a model-guided search must beat. */
public final class RandomSearch implements Strategy {
    @Override
    public String id() {
        return "random";
    }

    @Override
    public String describe() {
        return "points in a seeded random order, no repeats";
    }

    @Override
    public void search(Search s) {
        Walk.inOrder(s, Walk.shuffled(s));
    }
}

package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;

/** Every point in the space's order (until the budget ends): the baseline the others are judged against. */
public final class Exhaustive implements Strategy {
    @Override
    public String id() {
        return "exhaustive";
    }

    @Override
    public String describe() {
        return "every point in order";
    }

    @Override
    public void search(Search s) {
        Walk.inOrder(s, Walk.indices(s.space().size()));
    }
}

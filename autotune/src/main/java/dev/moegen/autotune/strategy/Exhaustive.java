package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;
import java.util.ArrayList;
import java.util.List;

/** Every point in the space's order (until the budget ends): the baseline the others are judged against. */
public final class Exhaustive implements Strategy {
    /** Points handed to the objective ahead of time, so a backend can compile them in parallel. */
    static final int PREPARE_AHEAD = 8;

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
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.space().size(); i++) order.add(i);
        Walk.inOrder(s, order);
    }
}

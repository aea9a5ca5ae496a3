package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;
import java.util.ArrayList;
import java.util.List;

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
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.space().size(); i++) order.add(i);
        for (int i = order.size() - 1; i > 0; i--) java.util.Collections.swap(order, i, s.random().nextInt(i + 1));
        Walk.inOrder(s, order);
    }
}

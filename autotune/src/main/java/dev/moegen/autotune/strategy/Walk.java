package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Orders of a space's points, and a walk that evaluates one in order, preparing a few points ahead. */
final class Walk {
    /** Points handed to the objective ahead of time, so a backend can compile them in parallel. */
    static final int PREPARE_AHEAD = 8;

    private Walk() {}

    /** 0..n-1. */
    static List<Integer> indices(int n) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) order.add(i);
        return order;
    }

    /** 0..n-1 in the search's seeded random order (Fisher-Yates). */
    static List<Integer> shuffled(Search s) {
        List<Integer> order = indices(s.space().size());
        for (int i = order.size() - 1; i > 0; i--) Collections.swap(order, i, s.random().nextInt(i + 1));
        return order;
    }

    static void inOrder(Search s, List<Integer> order) {
        for (int at = 0; at < order.size() && !s.done(); at++) {
            if (at % PREPARE_AHEAD == 0) s.prepare(order.subList(at, Math.min(order.size(), at + PREPARE_AHEAD)));
            s.evaluate(order.get(at));
        }
    }
}

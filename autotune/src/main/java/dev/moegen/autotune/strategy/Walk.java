package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Search;
import java.util.List;

/** Evaluates a fixed order of points, preparing a few ahead. */
final class Walk {
    private Walk() {}

    static void inOrder(Search s, List<Integer> order) {
        for (int at = 0; at < order.size() && !s.done(); at++) {
            if (at % Exhaustive.PREPARE_AHEAD == 0) s.prepare(order.subList(at, Math.min(order.size(), at + Exhaustive.PREPARE_AHEAD)));
            s.evaluate(order.get(at));
        }
    }
}

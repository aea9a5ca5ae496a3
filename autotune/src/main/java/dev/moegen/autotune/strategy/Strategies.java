package dev.moegen.autotune.strategy;

import dev.moegen.autotune.search.Strategy;
import java.util.List;
import java.util.function.Supplier;

/** The strategies by the id users type. */
public final class Strategies {
    private static final List<Supplier<Strategy>> ALL = List.of(BayesOpt::new, RandomSearch::new, Exhaustive::new);

    private Strategies() {}

    public static List<Strategy> all() {
        return ALL.stream().map(Supplier::get).toList();
    }

    public static List<String> ids() {
        return all().stream().map(Strategy::id).toList();
    }

    public static Strategy byId(String id) {
        for (Strategy s : all()) if (s.id().equalsIgnoreCase(id.trim())) return s;
        throw new IllegalArgumentException("--strategy = '" + id + "': allowed: " + String.join(", ", ids()));
    }
}

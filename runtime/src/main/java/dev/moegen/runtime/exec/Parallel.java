package dev.moegen.runtime.exec;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Work spread over the machine's cores: how backends compile a tuner's next candidates at once. */
public final class Parallel {
    private Parallel() {}

    /** Runs {@code work} on every item, on up to one thread per core, and returns when all are done; {@code work} handles its own failures. */
    public static <T> void each(List<T> items, Consumer<T> work) {
        if (items.isEmpty()) return;
        if (items.size() == 1) {
            work.accept(items.get(0));
            return;
        }
        try (var pool = Executors.newFixedThreadPool(Math.min(items.size(), Runtime.getRuntime().availableProcessors()))) {
            for (T t : items) pool.submit(() -> work.accept(t));
        }
    }
}

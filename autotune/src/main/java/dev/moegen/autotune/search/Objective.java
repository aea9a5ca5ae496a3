package dev.moegen.autotune.search;

import java.util.List;

/** Measures points of a space by index. Implementations never throw for a bad point: they return a failed {@link Evaluation}. */
public interface Objective {
    Evaluation evaluate(int index);

    /** Points a strategy will evaluate soon: a backend that can compile ahead (in parallel) does so. */
    default void prepare(List<Integer> upcoming) {}
}

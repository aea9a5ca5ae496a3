package dev.moegen.autotune.search;

/**
 * A way to walk a space: it calls {@link Search#evaluate} until {@link Search#done}. Strategies know nothing of
 * what they tune; a new one is a class in {@code dev.moegen.autotune.strategy} and a line in {@code Strategies}.
 */
public interface Strategy {
    /** As users name it on the command line. */
    String id();

    /** One line for help texts. */
    String describe();

    void search(Search s);
}

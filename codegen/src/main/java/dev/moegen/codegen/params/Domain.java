package dev.moegen.codegen.params;

import java.util.List;
import java.util.Optional;

/**
 * The values one parameter may take: what validation accepts, and the values a search enumerates (a sample of a
 * wide range, e.g. powers of two for tile sizes, so a space stays enumerable).
 */
public sealed interface Domain {
    /** Why {@code v} is outside the domain, naming {@code key}; empty when it is inside. */
    Optional<String> violation(String key, Object v);

    /** Values a search enumerates, in order. */
    List<?> candidates();

    /** e.g. "[1, 256]", "power of two in [1, 1024]", "simt | mma | wgmma" */
    String describe();

    /** One of a fixed set of names. */
    record Choice(List<String> values) implements Domain {
        @Override
        public Optional<String> violation(String key, Object v) {
            return values.contains(String.valueOf(v)) ? Optional.empty()
                    : Optional.of(key + " = '" + v + "': allowed: " + String.join(", ", values));
        }

        @Override
        public List<String> candidates() {
            return values;
        }

        @Override
        public String describe() {
            return String.join(" | ", values);
        }
    }

    /** Any integer in [lo, hi]; a search visits {@code search}. */
    record IntRange(int lo, int hi, List<Integer> search) implements Domain {
        @Override
        public Optional<String> violation(String key, Object v) {
            int i = (Integer) v;
            return i < lo || i > hi ? Optional.of(key + " = " + i + ": must be in [" + lo + ", " + hi + "]") : Optional.empty();
        }

        @Override
        public List<Integer> candidates() {
            return search;
        }

        @Override
        public String describe() {
            return "[" + lo + ", " + hi + "], searched " + search;
        }
    }

    /** A power of two in [lo, hi]; a search visits every one from {@code searchFrom}. */
    record PowerOfTwo(int lo, int hi, int searchFrom) implements Domain {
        @Override
        public Optional<String> violation(String key, Object v) {
            int i = (Integer) v;
            return i < lo || i > hi || Integer.bitCount(i) != 1
                    ? Optional.of(key + " = " + i + ": must be a power of two in [" + lo + ", " + hi + "]") : Optional.empty();
        }

        @Override
        public List<Integer> candidates() {
            List<Integer> c = new java.util.ArrayList<>();
            for (int v = Math.max(lo, searchFrom); v <= hi; v *= 2) c.add(v);
            return c;
        }

        @Override
        public String describe() {
            return "power of two in [" + lo + ", " + hi + "], searched from " + searchFrom;
        }
    }
}

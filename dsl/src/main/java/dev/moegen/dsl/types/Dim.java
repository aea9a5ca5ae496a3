package dev.moegen.dsl.types;

/** One dimension of a tensor shape: a constant, or a multiple of the token count T. */
public sealed interface Dim {
    long resolve(long tokens);

    record Const(long size) implements Dim {
        public Const {
            if (size <= 0) throw new IllegalArgumentException("dimension must be positive, got " + size);
        }

        public long resolve(long tokens) {
            return size;
        }

        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    record Tokens(long multiple) implements Dim {
        public long resolve(long tokens) {
            return Math.multiplyExact(tokens, multiple);
        }

        @Override
        public String toString() {
            return multiple == 1 ? "T" : "T*" + multiple;
        }
    }

    static Dim of(long size) {
        return new Const(size);
    }

    static Dim tokens() {
        return new Tokens(1);
    }

    static Dim tokens(long multiple) {
        return new Tokens(multiple);
    }
}

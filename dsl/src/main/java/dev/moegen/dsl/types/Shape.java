package dev.moegen.dsl.types;

import java.util.List;
import java.util.stream.Collectors;

/** A tensor shape whose dimensions may depend on the token count. */
public record Shape(List<Dim> dims) {
    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(Dim... dims) {
        return new Shape(List.of(dims));
    }

    /** Concrete sizes for {@code tokens} tokens; fails on 64-bit overflow of the element count. */
    public long[] resolve(long tokens) {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) out[i] = dims.get(i).resolve(tokens);
        return out;
    }

    public long elements(long tokens) {
        long n = 1;
        for (long d : resolve(tokens)) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public String toString() {
        return dims.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}

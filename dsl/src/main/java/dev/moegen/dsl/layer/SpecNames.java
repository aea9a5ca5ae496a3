package dev.moegen.dsl.layer;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How the spec's named choices are spelled: a lower-case id, read case-insensitively; an unknown one is named with what is allowed. */
final class SpecNames {
    private SpecNames() {}

    static String id(Enum<?> e) {
        return e.name().toLowerCase();
    }

    static <E extends Enum<E>> E parse(E[] values, Function<E, String> id, String field, String s) {
        for (E v : values) if (id.apply(v).equalsIgnoreCase(s)) return v;
        throw new IllegalArgumentException("unknown " + field + " '" + s + "'; allowed: " + Arrays.stream(values).map(id).collect(Collectors.joining(", ")));
    }
}

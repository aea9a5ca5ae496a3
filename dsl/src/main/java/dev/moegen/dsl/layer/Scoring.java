package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How router logits become expert scores. */
public enum Scoring {
    SOFTMAX, SIGMOID;

    @JsonValue
    public String id() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static Scoring parse(String s) {
        for (Scoring v : values()) if (v.id().equalsIgnoreCase(s)) return v;
        throw new IllegalArgumentException("unknown scoring '" + s + "'; allowed: "
                + Arrays.stream(values()).map(Scoring::id).collect(Collectors.joining(", ")));
    }
}

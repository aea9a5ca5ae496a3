package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How router logits become expert scores. */
public enum Scoring {
    SOFTMAX, SIGMOID;

    @JsonValue
    public String id() {
        return SpecNames.id(this);
    }

    @JsonCreator
    public static Scoring parse(String s) {
        return SpecNames.parse(values(), Scoring::id, "scoring", s);
    }
}

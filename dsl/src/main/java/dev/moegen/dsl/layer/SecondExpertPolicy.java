package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a top-2 token's second expert is always dispatched, or, as in GShard (Lepikhin et al. 2020, Mesh
 * TensorFlow's {@code second_expert_policy = "random"}), only when 2·g₂ > u, with g₂ its weight after
 * renormalisation and u uniform on [0, 1) from the layer's counter-based random stream.
 */
public enum SecondExpertPolicy {
    /** every pick is dispatched */
    ALL,
    /** GShard: the second pick is dispatched with probability min(1, 2·g₂) */
    RANDOM;

    @JsonValue
    public String id() {
        return SpecNames.id(this);
    }

    @JsonCreator
    public static SecondExpertPolicy parse(String s) {
        return SpecNames.parse(values(), SecondExpertPolicy::id, "second_expert_policy", s);
    }
}

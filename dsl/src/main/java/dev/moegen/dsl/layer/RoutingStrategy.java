package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Who chooses: each token its top-k experts (every model preset), or each expert its top-C tokens (Zhou et al. 2022,
 * "Mixture-of-Experts with Expert Choice Routing"), so a token goes to 0..E experts and every expert is exactly full.
 */
public enum RoutingStrategy {
    TOKEN_CHOICE,
    EXPERT_CHOICE;

    @JsonValue
    public String id() {
        return SpecNames.id(this);
    }

    @JsonCreator
    public static RoutingStrategy parse(String s) {
        return SpecNames.parse(values(), RoutingStrategy::id, "strategy", s);
    }
}

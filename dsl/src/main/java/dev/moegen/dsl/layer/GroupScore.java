package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How grouped (device-limited) routing scores an expert group before keeping the best topk_group groups:
 * DeepSeek-V3's noaux_tc sums the group's top-2 selection scores; DeepSeek-V2's group_limited_greedy takes its maximum.
 */
public enum GroupScore {
    /** sum of the group's two best selection scores (DeepSeek-V3, noaux_tc) */
    TOP2_SUM,
    /** the group's best selection score (DeepSeek-V2, group_limited_greedy: the "top-M devices" rule) */
    MAX;

    @JsonValue
    public String id() {
        return SpecNames.id(this);
    }

    /** Experts a group needs for this score. */
    public int minGroupSize() {
        return this == TOP2_SUM ? 2 : 1;
    }

    @JsonCreator
    public static GroupScore parse(String s) {
        return SpecNames.parse(values(), GroupScore::id, "group_score", s);
    }
}

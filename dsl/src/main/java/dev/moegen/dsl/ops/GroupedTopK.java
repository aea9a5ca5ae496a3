package dev.moegen.dsl.ops;

import dev.moegen.dsl.layer.GroupScore;

/**
 * Grouped (device-limited) top-k: each of {@code nGroup} equal groups is scored ({@code score}: the sum of its top-2
 * selection scores, DeepSeek-V3, or its best, DeepSeek-V2); keep the best {@code topkGroup} groups; top-k inside them.
 */
public record GroupedTopK(int k, int experts, int nGroup, int topkGroup, GroupScore score) implements Op {}

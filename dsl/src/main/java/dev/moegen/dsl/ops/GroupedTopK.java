package dev.moegen.dsl.ops;

/**
 * DeepSeek-V3 grouped top-k: group score = sum of the top-2 selection scores of each of
 * {@code nGroup} equal groups; keep the best {@code topkGroup} groups; top-k inside them.
 */
public record GroupedTopK(int k, int experts, int nGroup, int topkGroup) implements Op {}

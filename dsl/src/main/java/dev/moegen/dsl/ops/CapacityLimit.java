package dev.moegen.dsl.ops;

/**
 * Each routed expert keeps at most C assignments, in token order (then slot); the rest are dropped:
 * they contribute nothing to the output. C = {@code fixed} when given, else ceil(factor · n · K / E), with n
 * the tokens the limit holds over: all T, or {@code sequenceLength} when it holds per sequence.
 *
 * @param factor         the capacity factor, or null
 * @param fixed          a fixed count (HF Switch's expert_capacity), or null
 * @param sequenceLength tokens per sequence when the limit holds per sequence, else null
 */
public record CapacityLimit(Double factor, Integer fixed, Integer sequenceLength, int experts, int topK) implements Op {}

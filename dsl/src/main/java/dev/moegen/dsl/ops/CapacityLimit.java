package dev.moegen.dsl.ops;

/**
 * Each routed expert keeps at most ceil(factor · T · K / E) assignments, in token order (then
 * slot); the rest are dropped: they contribute nothing to the output.
 */
public record CapacityLimit(double factor, int experts, int topK) implements Op {}

package dev.moegen.dsl.ops;

/** y[t] = Σ over slots of out[position of (t, slot)], slots in order: a fixed summation order. */
public record Combine(int slotsPerToken, int hidden) implements Op {}

package dev.moegen.dsl.ops;

/**
 * Appends {@code slices} slots per token with expert ids E, E+1, … for the shared experts; their
 * weight is 1, or sigmoid(x · w_shared_gate) when {@code gated}.
 */
public record SharedExpertSlots(int routedExperts, int slices, boolean gated) implements Op {}

package dev.moegen.dsl.ops;

/**
 * Noisy top-k gating (Shazeer et al. 2017): gate logits H = logits[:, :E] + ε · softplus(logits[:, noiseRow:noiseRow+E]),
 * ε ~ N(0, 1) drawn from the layer's counter-based stream (Philox4x32-10 keyed by seed, token and expert).
 */
public record NoisyLogits(int experts, int noiseRow) implements Op {}

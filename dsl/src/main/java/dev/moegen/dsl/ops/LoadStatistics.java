package dev.moegen.dsl.ops;

/**
 * Expert load and balancing figures from one forward's routing, for training loops and monitoring: per expert the
 * assignments the router asked for (count, f = count / (T·K)) and the mean router probability P; the Switch auxiliary
 * loss E·Σ f·P, the router z-loss mean(logsumexp(gate logits)²), the assignments dropped, and, with a correction bias,
 * DeepSeek-V3's auxiliary-loss-free update b + γ·sign(T·K/E − count).
 */
public record LoadStatistics(int experts, int topK, boolean updatesBias, double biasUpdateSpeed) implements Op {}

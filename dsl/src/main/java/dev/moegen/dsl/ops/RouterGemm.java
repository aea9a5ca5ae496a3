package dev.moegen.dsl.ops;

/** logits[T, E] = x[T, H] · Wg[E, H]ᵀ (+ bias[E]). */
public record RouterGemm(int hidden, int experts, boolean bias) implements Op {}

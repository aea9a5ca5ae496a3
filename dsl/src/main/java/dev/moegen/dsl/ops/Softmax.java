package dev.moegen.dsl.ops;

/** scores = softmax(logits) over the E experts of each token. */
public record Softmax(int experts) implements Op {}

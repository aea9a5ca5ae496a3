package dev.moegen.dsl.ops;

/** scores = sigmoid(logits), elementwise. */
public record Sigmoid(int experts) implements Op {}

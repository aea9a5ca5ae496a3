package dev.moegen.dsl.ops;

/** weights /= sum of the k picked weights. */
public record Renormalize(int k) implements Op {}

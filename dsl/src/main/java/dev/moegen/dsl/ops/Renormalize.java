package dev.moegen.dsl.ops;

/** weights /= the p-norm of the k picked weights (p = 1: their sum). */
public record Renormalize(int k, double p) implements Op {}

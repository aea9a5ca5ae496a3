package dev.moegen.dsl.ops;

/** Selection scores = scores + e_score_correction_bias[E]; weights keep the unbiased score. */
public record CorrectionBias(int experts) implements Op {}

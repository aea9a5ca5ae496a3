package dev.moegen.dsl.ops;

/** The k best selection scores per token; ties go to the lower expert index. */
public record TopK(int k, int experts) implements Op {}

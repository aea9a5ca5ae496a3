package dev.moegen.dsl.ops;

/** weights *= routed_scaling_factor. */
public record RoutedScaling(double factor) implements Op {}

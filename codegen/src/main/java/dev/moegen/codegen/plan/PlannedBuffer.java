package dev.moegen.codegen.plan;

import dev.moegen.dsl.types.DType;

/**
 * A device buffer of the plan. {@code role}: input (user data), weight, output (poisoned before
 * each launch and checked) or scratch. Its size is {@link KernelPlan#elements}.
 */
public record PlannedBuffer(String name, DType dtype, String role, String size) {}

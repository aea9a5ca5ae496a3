package dev.moegen.codegen.plan;

import java.util.List;

/**
 * One generated kernel: its entry point, arguments in order (buffer names, or the scalars
 * {@code T}, {@code capacity} and {@code splits}), launch geometry, and the graph ops it fuses.
 */
public record PlannedKernel(String name, List<String> args, Geometry geometry, List<String> fuses) {
    public static final String TOKENS = "T";
    public static final String CAPACITY = "capacity";
    /** GroupGEMM 2's K slices for this T (see {@link KernelParams#splits}). */
    public static final String SPLITS = "splits";
}

package dev.moegen.codegen.plan;

/** A concrete launch: global and local sizes in work-items (OpenCL convention; CUDA grid = global / local). */
public record Launch(long[] global, long[] local) {}

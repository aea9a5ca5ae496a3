package dev.moegen.codegen.plan;

/**
 * A concrete launch: global and local sizes in work-items (OpenCL convention; CUDA grid = global / local)
 * and the dynamic shared memory a CUDA block needs (OpenCL kernels declare theirs statically).
 */
public record Launch(long[] global, long[] local, int sharedBytes) {
    public Launch(long[] global, long[] local) {
        this(global, local, 0);
    }
}

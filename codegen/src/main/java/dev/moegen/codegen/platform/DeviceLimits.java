package dev.moegen.codegen.platform;

/**
 * The per-block limits of a device that the parameter space checks candidates against. Read from the device when
 * a session is open; a dialect's conservative values when generating ahead of time. 0 means unknown (not checked).
 *
 * @param maxThreadsPerBlock  work-items of one work-group / threads of one block
 * @param sharedBytesPerBlock local (OpenCL) or dynamic shared (CUDA, the opt-in maximum) memory one block may use
 * @param staticSharedBytes   memory a block may declare statically (CUDA: 48 KiB whatever the opt-in; OpenCL: all local memory)
 * @param registersPerBlock   32-bit registers one block may use (CUDA); 0 where the device does not say
 * @param computeUnits        compute units / streaming multiprocessors
 * @param simdWidth           lanes that execute together (warp size, native float vector width)
 * @param globalMemBytes      device memory; what a layer's buffers must fit in
 */
public record DeviceLimits(int maxThreadsPerBlock, long sharedBytesPerBlock, long staticSharedBytes, int registersPerBlock, int computeUnits, int simdWidth, long globalMemBytes) {
    public String describe() {
        return String.format("max %d threads/block, %d KiB shared/block (%d KiB static), %s registers/block, %s compute units, SIMD %s", maxThreadsPerBlock,
                sharedBytesPerBlock / 1024, staticSharedBytes / 1024, unknownIfZero(registersPerBlock), unknownIfZero(computeUnits), unknownIfZero(simdWidth));
    }

    private static String unknownIfZero(int v) {
        return v == 0 ? "?" : Integer.toString(v);
    }
}

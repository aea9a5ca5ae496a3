package dev.moegen.runtime.cuda;

/** A CUDA device's properties as moegen uses them. */
public record CudaDevice(int ordinal, String name, int major, int minor, int multiprocessors, long totalMemBytes,
                         int sharedPerBlock, int sharedPerBlockOptin) {
    /** The cubin architecture nvcc targets for it: sm_90a on Hopper (wgmma), sm_XY otherwise. */
    public String arch() {
        return major == 9 && minor == 0 ? "sm_90a" : "sm_" + major + minor;
    }

    public String describe() {
        return String.format("%s (CUDA, cc %d.%d, %s): %d SMs, %.1f GiB, %d KiB shared/block (%d KiB opt-in)", name, major, minor, arch(),
                multiprocessors, totalMemBytes / (1024.0 * 1024 * 1024), sharedPerBlock / 1024, sharedPerBlockOptin / 1024);
    }
}

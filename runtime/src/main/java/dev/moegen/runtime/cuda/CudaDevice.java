package dev.moegen.runtime.cuda;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.platform.DeviceLimits;
import dev.moegen.runtime.exec.DeviceInfo;

/** A CUDA device's properties as moegen uses them. */
public record CudaDevice(int ordinal, String name, int major, int minor, int multiprocessors, long totalMemBytes,
                         int sharedPerBlock, int sharedPerBlockOptin, int maxThreadsPerBlock, int registersPerBlock, int warpSize, int driverVersion) {
    /** The cubin architecture nvcc targets for it: sm_90a on Hopper (wgmma), sm_XY otherwise. */
    public String arch() {
        return major == 9 && minor == 0 ? "sm_90a" : "sm_" + major + minor;
    }

    /** The CUDA target of this device's architecture with its own limits (opt-in shared memory per block). */
    public DeviceInfo info() {
        DeviceLimits l = new DeviceLimits(maxThreadsPerBlock, sharedPerBlockOptin, sharedPerBlock, registersPerBlock, multiprocessors, warpSize, totalMemBytes);
        return new DeviceInfo(name, describe(), CudaDialect.cuda(arch()).withLimits(l), "CUDA driver " + driverVersion / 1000 + "." + driverVersion % 1000 / 10, arch());
    }

    public String describe() {
        return String.format("%s (CUDA, cc %d.%d, %s): %d SMs, %.1f GiB, %d KiB shared/block (%d KiB opt-in)", name, major, minor, arch(),
                multiprocessors, totalMemBytes / (1024.0 * 1024 * 1024), sharedPerBlock / 1024, sharedPerBlockOptin / 1024);
    }
}

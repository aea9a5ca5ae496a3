package dev.moegen.runtime.opencl;

import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.platform.DeviceLimits;
import dev.moegen.runtime.exec.DeviceInfo;
import java.lang.foreign.MemorySegment;

/** An OpenCL device and what moegen needs to know of it. */
public record ClDevice(
        String platform, String name, String vendor, String version, String type, int computeUnits,
        long globalMemBytes, long localMemBytes, long maxWorkGroupSize, int nativeFloatWidth, MemorySegment platformId, MemorySegment deviceId) {

    /** The OpenCL target with this device's limits (registers are not reported by OpenCL). */
    public DeviceInfo info() {
        DeviceLimits l = new DeviceLimits((int) Math.min(Integer.MAX_VALUE, maxWorkGroupSize), localMemBytes, localMemBytes, 0, computeUnits, nativeFloatWidth, globalMemBytes);
        return new DeviceInfo(name, describe(), OpenClDialect.TARGET.withLimits(l), version, type.toLowerCase() + "-" + vendor.replaceAll("[^A-Za-z0-9]+", "") + "-simd" + nativeFloatWidth);
    }

    public String describe() {
        return String.format("%s (%s, %s, %s): %d compute units, %.1f GiB global, %d KiB local, max work-group %d",
                name, type, vendor, platform, computeUnits, globalMemBytes / (1024.0 * 1024 * 1024), localMemBytes / 1024, maxWorkGroupSize);
    }
}

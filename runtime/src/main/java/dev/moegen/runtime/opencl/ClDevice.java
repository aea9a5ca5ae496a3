package dev.moegen.runtime.opencl;

import java.lang.foreign.MemorySegment;

/** An OpenCL device and what moegen needs to know of it. */
public record ClDevice(
        String platform, String name, String vendor, String version, String type, int computeUnits,
        long globalMemBytes, long localMemBytes, long maxWorkGroupSize, MemorySegment platformId, MemorySegment deviceId) {

    public String describe() {
        return String.format("%s (%s, %s, %s): %d compute units, %.1f GiB global, %d KiB local, max work-group %d",
                name, type, vendor, platform, computeUnits, globalMemBytes / (1024.0 * 1024 * 1024), localMemBytes / 1024, maxWorkGroupSize);
    }
}

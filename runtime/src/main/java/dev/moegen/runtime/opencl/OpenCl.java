package dev.moegen.runtime.opencl;

import static dev.moegen.runtime.opencl.ClLib.*;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Entry point of the OpenCL backend: is it there, which devices, open a context. */
public final class OpenCl {
    private static final int PLATFORM_NAME = 0x0902;
    private static final int DEVICE_TYPE = 0x1000, MAX_COMPUTE_UNITS = 0x1002, MAX_WORK_GROUP_SIZE = 0x1004,
            GLOBAL_MEM_SIZE = 0x101F, LOCAL_MEM_SIZE = 0x1023, NATIVE_VECTOR_WIDTH_FLOAT = 0x103A, DEVICE_NAME = 0x102B, DEVICE_VENDOR = 0x102C, DEVICE_VERSION = 0x102F, DRIVER_VERSION = 0x102D;
    private static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;

    private OpenCl() {}

    /** Empty when OpenCL can be used; otherwise why not (no loader, no platform, no device). */
    public static Optional<String> unavailableReason() {
        if (ClLib.get().isEmpty()) return Optional.of(ClLib.unavailableReason());
        try {
            return devices().isEmpty() ? Optional.of("no OpenCL device found (is an ICD such as pocl-opencl-icd installed?)") : Optional.empty();
        } catch (ClException e) {
            return Optional.of(e.getMessage());
        }
    }

    public static List<ClDevice> devices() {
        ClLib cl = ClLib.require();
        List<ClDevice> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = invokeInt(cl.getPlatformIDs, "clGetPlatformIDs", 0, MemorySegment.NULL, n);
            if (rc == -1001) return out; // no platform: not an error, just nothing here
            check(rc, "clGetPlatformIDs");
            int np = n.get(JAVA_INT, 0);
            MemorySegment plats = a.allocate(ADDRESS, Math.max(1, np));
            check(invokeInt(cl.getPlatformIDs, "clGetPlatformIDs", np, plats, n), "clGetPlatformIDs");
            for (int p = 0; p < np; p++) {
                MemorySegment pid = plats.getAtIndex(ADDRESS, p);
                String pname = platformString(cl, a, pid, PLATFORM_NAME);
                int rcd = invokeInt(cl.getDeviceIDs, "clGetDeviceIDs", pid, DEVICE_TYPE_ALL, 0, MemorySegment.NULL, n);
                if (rcd == -1) continue;
                check(rcd, "clGetDeviceIDs");
                int nd = n.get(JAVA_INT, 0);
                MemorySegment devs = a.allocate(ADDRESS, Math.max(1, nd));
                check(invokeInt(cl.getDeviceIDs, "clGetDeviceIDs", pid, DEVICE_TYPE_ALL, nd, devs, MemorySegment.NULL), "clGetDeviceIDs");
                for (int d = 0; d < nd; d++) {
                    MemorySegment did = devs.getAtIndex(ADDRESS, d);
                    long type = deviceLong(cl, a, did, DEVICE_TYPE);
                    out.add(new ClDevice(pname, deviceString(cl, a, did, DEVICE_NAME), deviceString(cl, a, did, DEVICE_VENDOR),
                            deviceString(cl, a, did, DEVICE_VERSION) + ", driver " + deviceString(cl, a, did, DRIVER_VERSION), (type & 4) != 0 ? "GPU" : (type & 2) != 0 ? "CPU" : "accelerator",
                            (int) deviceLong(cl, a, did, MAX_COMPUTE_UNITS, 4), deviceLong(cl, a, did, GLOBAL_MEM_SIZE),
                            deviceLong(cl, a, did, LOCAL_MEM_SIZE), deviceLong(cl, a, did, MAX_WORK_GROUP_SIZE),
                            (int) deviceLong(cl, a, did, NATIVE_VECTOR_WIDTH_FLOAT, 4), pid, did));
                }
            }
        }
        return out;
    }

    /** The first GPU, else the first device. */
    public static ClDevice bestDevice() {
        List<ClDevice> d = devices();
        if (d.isEmpty()) throw new IllegalStateException(unavailableReason().orElse("no OpenCL device"));
        return d.stream().filter(x -> x.type().equals("GPU")).findFirst().orElse(d.get(0));
    }

    public static ClContext open(ClDevice device) {
        return new ClContext(ClLib.require(), device);
    }

    private static String platformString(ClLib cl, Arena a, MemorySegment id, int param) {
        MemorySegment buf = a.allocate(1024);
        check(invokeInt(cl.getPlatformInfo, "clGetPlatformInfo", id, param, 1024L, buf, MemorySegment.NULL), "clGetPlatformInfo");
        return buf.getString(0).trim();
    }

    private static String deviceString(ClLib cl, Arena a, MemorySegment id, int param) {
        MemorySegment buf = a.allocate(1024);
        check(invokeInt(cl.getDeviceInfo, "clGetDeviceInfo", id, param, 1024L, buf, MemorySegment.NULL), "clGetDeviceInfo");
        return buf.getString(0).trim();
    }

    private static long deviceLong(ClLib cl, Arena a, MemorySegment id, int param) {
        return deviceLong(cl, a, id, param, 8);
    }

    private static long deviceLong(ClLib cl, Arena a, MemorySegment id, int param, int bytes) {
        MemorySegment buf = a.allocate(8);
        buf.set(JAVA_LONG, 0, 0L);
        check(invokeInt(cl.getDeviceInfo, "clGetDeviceInfo", id, param, (long) bytes, buf, MemorySegment.NULL), "clGetDeviceInfo");
        return bytes == 4 ? Integer.toUnsignedLong(buf.get(JAVA_INT, 0)) : buf.get(JAVA_LONG, 0);
    }
}

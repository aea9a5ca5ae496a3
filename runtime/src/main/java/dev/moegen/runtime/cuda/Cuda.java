package dev.moegen.runtime.cuda;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Entry point of the CUDA backend: is a driver there, which devices. Never falls back to another backend. */
public final class Cuda {
    private static final int ATTR_MAX_THREADS = 1, ATTR_SHARED_PER_BLOCK = 8, ATTR_WARP_SIZE = 10, ATTR_REGS_PER_BLOCK = 12, ATTR_SM_COUNT = 16, ATTR_CC_MAJOR = 75, ATTR_CC_MINOR = 76, ATTR_SHARED_OPTIN = 97;

    private Cuda() {}

    /** Empty when CUDA can be used; otherwise why not. */
    public static Optional<String> unavailableReason() {
        Optional<CuLib> cu = CuLib.get();
        if (cu.isEmpty()) return Optional.of(CuLib.unavailableReason());
        try {
            return devices().isEmpty() ? Optional.of("the CUDA driver reports no device") : Optional.empty();
        } catch (CudaException e) {
            return Optional.of(e.getMessage());
        }
    }

    static CuLib lib() {
        return CuLib.get().orElseThrow(() -> new IllegalStateException("CUDA unavailable: " + CuLib.unavailableReason()));
    }

    public static List<CudaDevice> devices() {
        CuLib cu = lib();
        List<CudaDevice> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            cu.call(cu.init, "cuInit", 0);
            MemorySegment n = a.allocate(JAVA_INT);
            cu.call(cu.deviceGetCount, "cuDeviceGetCount", n);
            MemorySegment drv = a.allocate(JAVA_INT);
            cu.call(cu.driverGetVersion, "cuDriverGetVersion", drv);
            for (int i = 0; i < n.get(JAVA_INT, 0); i++) {
                MemorySegment d = a.allocate(JAVA_INT);
                cu.call(cu.deviceGet, "cuDeviceGet", d, i);
                int dev = d.get(JAVA_INT, 0);
                MemorySegment name = a.allocate(256);
                cu.call(cu.deviceGetName, "cuDeviceGetName", name, 256, dev);
                MemorySegment mem = a.allocate(JAVA_LONG);
                cu.call(cu.deviceTotalMem, "cuDeviceTotalMem", mem, dev);
                out.add(new CudaDevice(dev, name.getString(0), attr(cu, a, dev, ATTR_CC_MAJOR), attr(cu, a, dev, ATTR_CC_MINOR),
                        attr(cu, a, dev, ATTR_SM_COUNT), mem.get(JAVA_LONG, 0), attr(cu, a, dev, ATTR_SHARED_PER_BLOCK), attr(cu, a, dev, ATTR_SHARED_OPTIN),
                        attr(cu, a, dev, ATTR_MAX_THREADS), attr(cu, a, dev, ATTR_REGS_PER_BLOCK), attr(cu, a, dev, ATTR_WARP_SIZE), drv.get(JAVA_INT, 0)));
            }
        }
        return out;
    }

    private static int attr(CuLib cu, Arena a, int dev, int attr) {
        MemorySegment v = a.allocate(JAVA_INT);
        cu.call(cu.deviceGetAttribute, "cuDeviceGetAttribute(" + attr + ")", v, attr, dev);
        return v.get(JAVA_INT, 0);
    }
}

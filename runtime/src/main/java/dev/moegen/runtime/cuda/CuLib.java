package dev.moegen.runtime.cuda;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Downcall handles into the CUDA driver API, libcuda.so.1, bound once. Every call's CUresult is checked. */
final class CuLib {
    private static final String LIB = "libcuda.so.1";
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile CuLib instance;
    private static volatile String unavailable;

    final MethodHandle init, deviceGetCount, deviceGet, deviceGetName, deviceTotalMem, deviceGetAttribute, primaryCtxRetain,
            primaryCtxRelease, ctxSetCurrent, ctxSynchronize, moduleLoadData, moduleGetFunction, moduleUnload, memAlloc, memFree,
            memcpyHtoD, memcpyDtoH, memsetD8, launchKernel, eventCreate, eventRecord, eventSynchronize, eventElapsedTime,
            eventDestroy, getErrorName, funcSetAttribute;

    private CuLib(SymbolLookup l) {
        init = h(l, "cuInit", JAVA_INT);
        deviceGetCount = h(l, "cuDeviceGetCount", ADDRESS);
        deviceGet = h(l, "cuDeviceGet", ADDRESS, JAVA_INT);
        deviceGetName = h(l, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        deviceTotalMem = h(l, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        deviceGetAttribute = h(l, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        primaryCtxRetain = h(l, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        primaryCtxRelease = h(l, "cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        ctxSetCurrent = h(l, "cuCtxSetCurrent", ADDRESS);
        ctxSynchronize = h(l, "cuCtxSynchronize");
        moduleLoadData = h(l, "cuModuleLoadData", ADDRESS, ADDRESS);
        moduleGetFunction = h(l, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        moduleUnload = h(l, "cuModuleUnload", ADDRESS);
        memAlloc = h(l, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        memFree = h(l, "cuMemFree_v2", JAVA_LONG);
        memcpyHtoD = h(l, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        memcpyDtoH = h(l, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        memsetD8 = h(l, "cuMemsetD8_v2", JAVA_LONG, JAVA_BYTE, JAVA_LONG);
        launchKernel = h(l, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        eventCreate = h(l, "cuEventCreate", ADDRESS, JAVA_INT);
        eventRecord = h(l, "cuEventRecord", ADDRESS, ADDRESS);
        eventSynchronize = h(l, "cuEventSynchronize", ADDRESS);
        eventElapsedTime = h(l, "cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
        eventDestroy = h(l, "cuEventDestroy_v2", ADDRESS);
        getErrorName = h(l, "cuGetErrorName", JAVA_INT, ADDRESS);
        funcSetAttribute = h(l, "cuFuncSetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    }

    private static MethodHandle h(SymbolLookup l, String name, MemoryLayout... args) {
        MemorySegment sym = l.find(name).orElseThrow(() -> new UnsatisfiedLinkError(LIB + " lacks " + name));
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(JAVA_INT, args));
    }

    static Optional<CuLib> get() {
        if (instance == null && unavailable == null) {
            synchronized (CuLib.class) {
                if (instance == null && unavailable == null) {
                    try {
                        instance = new CuLib(SymbolLookup.libraryLookup(LIB, Arena.global()));
                    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                        unavailable = "cannot load " + LIB + " (" + e.getMessage() + "): no NVIDIA driver on this machine";
                    }
                }
            }
        }
        return Optional.ofNullable(instance);
    }

    static String unavailableReason() {
        return unavailable;
    }

    /** Calls a driver function; a non-zero CUresult throws with the error's name. */
    void call(MethodHandle h, String what, Object... args) {
        int rc;
        try {
            rc = (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + ": " + t.getMessage(), t);
        }
        if (rc != 0) throw new CudaException(what, rc, errorName(rc));
    }

    String errorName(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) getErrorName.invokeExact(rc, p);
            return r == 0 ? p.get(ADDRESS, 0).reinterpret(256).getString(0) : "CUDA_ERROR_" + rc;
        } catch (Throwable t) {
            return "CUDA_ERROR_" + rc;
        }
    }
}

package dev.moegen.runtime.cuda;

import static java.lang.foreign.ValueLayout.*;

import static dev.moegen.runtime.foreign.NativeLibrary.downcall;
import static dev.moegen.runtime.foreign.NativeLibrary.optionalDowncall;

import dev.moegen.runtime.foreign.NativeLibrary;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Downcall handles into the CUDA driver API, libcuda.so.1, bound once. Every call's CUresult is checked. */
final class CuLib {
    private static final NativeLibrary<CuLib> LIB = new NativeLibrary<>("libcuda.so.1", CuLib::new, ": no NVIDIA driver on this machine");

    final MethodHandle init, deviceGetCount, deviceGet, deviceGetName, deviceTotalMem, deviceGetAttribute, primaryCtxRetain,
            primaryCtxRelease, ctxSetCurrent, ctxSynchronize, moduleLoadData, moduleGetFunction, moduleUnload, memAlloc, memFree,
            memcpyHtoD, memcpyDtoH, memsetD8, launchKernel, eventCreate, eventRecord, eventElapsedTime,
            eventDestroy, getErrorName, funcSetAttribute, driverGetVersion, streamCreate, streamDestroy;
    /** CUDA graphs (cuGraphInstantiateWithFlags: 11.4 drivers and later); null on older ones, which then launch kernel by kernel. */
    final MethodHandle streamBeginCapture, streamEndCapture, graphInstantiate, graphLaunch, graphDestroy, graphExecDestroy;
    /** CUDA 12 drivers and later (TMA tensor maps); null on older ones, where only the warp-specialised loop is missing. */
    final MethodHandle tensorMapEncodeTiled;

    private CuLib(SymbolLookup l) {
        init = downcall(l, "cuInit", JAVA_INT, JAVA_INT);
        driverGetVersion = downcall(l, "cuDriverGetVersion", JAVA_INT, ADDRESS);
        deviceGetCount = downcall(l, "cuDeviceGetCount", JAVA_INT, ADDRESS);
        deviceGet = downcall(l, "cuDeviceGet", JAVA_INT, ADDRESS, JAVA_INT);
        deviceGetName = downcall(l, "cuDeviceGetName", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        deviceTotalMem = downcall(l, "cuDeviceTotalMem_v2", JAVA_INT, ADDRESS, JAVA_INT);
        deviceGetAttribute = downcall(l, "cuDeviceGetAttribute", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        primaryCtxRetain = downcall(l, "cuDevicePrimaryCtxRetain", JAVA_INT, ADDRESS, JAVA_INT);
        primaryCtxRelease = downcall(l, "cuDevicePrimaryCtxRelease_v2", JAVA_INT, JAVA_INT);
        ctxSetCurrent = downcall(l, "cuCtxSetCurrent", JAVA_INT, ADDRESS);
        ctxSynchronize = downcall(l, "cuCtxSynchronize", JAVA_INT);
        moduleLoadData = downcall(l, "cuModuleLoadData", JAVA_INT, ADDRESS, ADDRESS);
        moduleGetFunction = downcall(l, "cuModuleGetFunction", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        moduleUnload = downcall(l, "cuModuleUnload", JAVA_INT, ADDRESS);
        memAlloc = downcall(l, "cuMemAlloc_v2", JAVA_INT, ADDRESS, JAVA_LONG);
        memFree = downcall(l, "cuMemFree_v2", JAVA_INT, JAVA_LONG);
        memcpyHtoD = downcall(l, "cuMemcpyHtoD_v2", JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG);
        memcpyDtoH = downcall(l, "cuMemcpyDtoH_v2", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
        memsetD8 = downcall(l, "cuMemsetD8_v2", JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG);
        launchKernel = downcall(l, "cuLaunchKernel", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        eventCreate = downcall(l, "cuEventCreate", JAVA_INT, ADDRESS, JAVA_INT);
        eventRecord = downcall(l, "cuEventRecord", JAVA_INT, ADDRESS, ADDRESS);
        eventElapsedTime = downcall(l, "cuEventElapsedTime", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        eventDestroy = downcall(l, "cuEventDestroy_v2", JAVA_INT, ADDRESS);
        getErrorName = downcall(l, "cuGetErrorName", JAVA_INT, JAVA_INT, ADDRESS);
        funcSetAttribute = downcall(l, "cuFuncSetAttribute", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        streamCreate = downcall(l, "cuStreamCreate", JAVA_INT, ADDRESS, JAVA_INT);
        streamDestroy = downcall(l, "cuStreamDestroy_v2", JAVA_INT, ADDRESS);
        streamBeginCapture = optionalDowncall(l, "cuStreamBeginCapture_v2", JAVA_INT, ADDRESS, JAVA_INT);
        streamEndCapture = optionalDowncall(l, "cuStreamEndCapture", JAVA_INT, ADDRESS, ADDRESS);
        graphInstantiate = optionalDowncall(l, "cuGraphInstantiateWithFlags", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
        graphLaunch = optionalDowncall(l, "cuGraphLaunch", JAVA_INT, ADDRESS, ADDRESS);
        graphDestroy = optionalDowncall(l, "cuGraphDestroy", JAVA_INT, ADDRESS);
        graphExecDestroy = optionalDowncall(l, "cuGraphExecDestroy", JAVA_INT, ADDRESS);
        tensorMapEncodeTiled = optionalDowncall(l, "cuTensorMapEncodeTiled", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    }

    static Optional<CuLib> get() {
        return LIB.get();
    }

    static String unavailableReason() {
        return LIB.unavailableReason();
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

package dev.moegen.runtime.opencl;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Downcall handles into libOpenCL.so.1 (the ICD loader), bound once. */
final class ClLib {
    static final AddressLayout PTR = ADDRESS;
    static final ValueLayout.OfLong SIZE_T = JAVA_LONG;

    private static final String LIB = "libOpenCL.so.1";
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile ClLib instance;
    private static volatile String unavailable;

    final MethodHandle getPlatformIDs, getPlatformInfo, getDeviceIDs, getDeviceInfo, createContext, createCommandQueue,
            createBuffer, createProgramWithSource, buildProgram, getProgramBuildInfo, createKernel, setKernelArg,
            enqueueWriteBuffer, enqueueReadBuffer, enqueueFillBuffer, enqueueNDRangeKernel, finish, waitForEvents,
            getEventProfilingInfo, releaseMemObject, releaseKernel, releaseProgram, releaseCommandQueue, releaseContext, releaseEvent;

    private ClLib(SymbolLookup l) {
        getPlatformIDs = h(l, "clGetPlatformIDs", JAVA_INT, JAVA_INT, PTR, PTR);
        getPlatformInfo = h(l, "clGetPlatformInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        getDeviceIDs = h(l, "clGetDeviceIDs", JAVA_INT, PTR, JAVA_LONG, JAVA_INT, PTR, PTR);
        getDeviceInfo = h(l, "clGetDeviceInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        createContext = h(l, "clCreateContext", PTR, PTR, JAVA_INT, PTR, PTR, PTR, PTR);
        createCommandQueue = h(l, "clCreateCommandQueue", PTR, PTR, PTR, JAVA_LONG, PTR);
        createBuffer = h(l, "clCreateBuffer", PTR, PTR, JAVA_LONG, SIZE_T, PTR, PTR);
        createProgramWithSource = h(l, "clCreateProgramWithSource", PTR, PTR, JAVA_INT, PTR, PTR, PTR);
        buildProgram = h(l, "clBuildProgram", JAVA_INT, PTR, JAVA_INT, PTR, PTR, PTR, PTR);
        getProgramBuildInfo = h(l, "clGetProgramBuildInfo", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        createKernel = h(l, "clCreateKernel", PTR, PTR, PTR, PTR);
        setKernelArg = h(l, "clSetKernelArg", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR);
        enqueueWriteBuffer = h(l, "clEnqueueWriteBuffer", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, SIZE_T, PTR, JAVA_INT, PTR, PTR);
        enqueueReadBuffer = h(l, "clEnqueueReadBuffer", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, SIZE_T, PTR, JAVA_INT, PTR, PTR);
        enqueueFillBuffer = h(l, "clEnqueueFillBuffer", JAVA_INT, PTR, PTR, PTR, SIZE_T, SIZE_T, SIZE_T, JAVA_INT, PTR, PTR);
        enqueueNDRangeKernel = h(l, "clEnqueueNDRangeKernel", JAVA_INT, PTR, PTR, JAVA_INT, PTR, PTR, PTR, JAVA_INT, PTR, PTR);
        finish = h(l, "clFinish", JAVA_INT, PTR);
        waitForEvents = h(l, "clWaitForEvents", JAVA_INT, JAVA_INT, PTR);
        getEventProfilingInfo = h(l, "clGetEventProfilingInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        releaseMemObject = h(l, "clReleaseMemObject", JAVA_INT, PTR);
        releaseKernel = h(l, "clReleaseKernel", JAVA_INT, PTR);
        releaseProgram = h(l, "clReleaseProgram", JAVA_INT, PTR);
        releaseCommandQueue = h(l, "clReleaseCommandQueue", JAVA_INT, PTR);
        releaseContext = h(l, "clReleaseContext", JAVA_INT, PTR);
        releaseEvent = h(l, "clReleaseEvent", JAVA_INT, PTR);
    }

    private static MethodHandle h(SymbolLookup l, String name, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment sym = l.find(name).orElseThrow(() -> new UnsatisfiedLinkError(LIB + " lacks " + name));
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(ret, args));
    }

    /** The bound library, or empty with {@link #unavailableReason()} set. */
    static Optional<ClLib> get() {
        if (instance == null && unavailable == null) {
            synchronized (ClLib.class) {
                if (instance == null && unavailable == null) {
                    try {
                        instance = new ClLib(SymbolLookup.libraryLookup(LIB, Arena.global()));
                    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                        unavailable = "cannot load " + LIB + " (" + e.getMessage() + "); install an OpenCL ICD loader and a driver, e.g. "
                                + "apt-get install ocl-icd-libopencl1 pocl-opencl-icd";
                    }
                }
            }
        }
        return Optional.ofNullable(instance);
    }

    static String unavailableReason() {
        return unavailable;
    }

    static ClLib require() {
        return get().orElseThrow(() -> new IllegalStateException(unavailable));
    }

    static void check(int code, String call) {
        if (code != 0) throw new ClException(call, code, null);
    }

    static int invokeInt(MethodHandle h, String call, Object... args) {
        return (int) invoke(h, call, args);
    }

    static MemorySegment invokePtr(MethodHandle h, String call, Object... args) {
        return (MemorySegment) invoke(h, call, args);
    }

    private static Object invoke(MethodHandle h, String call, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(call + ": " + t.getMessage(), t);
        }
    }
}

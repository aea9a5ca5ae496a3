package dev.moegen.runtime.opencl;

import static java.lang.foreign.ValueLayout.*;

import static dev.moegen.runtime.foreign.NativeLibrary.downcall;

import dev.moegen.runtime.foreign.NativeLibrary;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Downcall handles into libOpenCL.so.1 (the ICD loader), bound once. */
final class ClLib {
    static final AddressLayout PTR = ADDRESS;
    static final ValueLayout.OfLong SIZE_T = JAVA_LONG;

    private static final NativeLibrary<ClLib> LIB = new NativeLibrary<>("libOpenCL.so.1", ClLib::new,
            "; install an OpenCL ICD loader and a driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd");

    final MethodHandle getPlatformIDs, getPlatformInfo, getDeviceIDs, getDeviceInfo, createContext, createCommandQueue,
            createBuffer, createProgramWithSource, buildProgram, getProgramBuildInfo, createKernel, setKernelArg,
            enqueueWriteBuffer, enqueueReadBuffer, enqueueFillBuffer, enqueueNDRangeKernel, finish,
            getEventProfilingInfo, releaseMemObject, releaseKernel, releaseProgram, releaseCommandQueue, releaseContext, releaseEvent;

    private ClLib(SymbolLookup l) {
        getPlatformIDs = downcall(l, "clGetPlatformIDs", JAVA_INT, JAVA_INT, PTR, PTR);
        getPlatformInfo = downcall(l, "clGetPlatformInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        getDeviceIDs = downcall(l, "clGetDeviceIDs", JAVA_INT, PTR, JAVA_LONG, JAVA_INT, PTR, PTR);
        getDeviceInfo = downcall(l, "clGetDeviceInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        createContext = downcall(l, "clCreateContext", PTR, PTR, JAVA_INT, PTR, PTR, PTR, PTR);
        createCommandQueue = downcall(l, "clCreateCommandQueue", PTR, PTR, PTR, JAVA_LONG, PTR);
        createBuffer = downcall(l, "clCreateBuffer", PTR, PTR, JAVA_LONG, SIZE_T, PTR, PTR);
        createProgramWithSource = downcall(l, "clCreateProgramWithSource", PTR, PTR, JAVA_INT, PTR, PTR, PTR);
        buildProgram = downcall(l, "clBuildProgram", JAVA_INT, PTR, JAVA_INT, PTR, PTR, PTR, PTR);
        getProgramBuildInfo = downcall(l, "clGetProgramBuildInfo", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        createKernel = downcall(l, "clCreateKernel", PTR, PTR, PTR, PTR);
        setKernelArg = downcall(l, "clSetKernelArg", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR);
        enqueueWriteBuffer = downcall(l, "clEnqueueWriteBuffer", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, SIZE_T, PTR, JAVA_INT, PTR, PTR);
        enqueueReadBuffer = downcall(l, "clEnqueueReadBuffer", JAVA_INT, PTR, PTR, JAVA_INT, SIZE_T, SIZE_T, PTR, JAVA_INT, PTR, PTR);
        enqueueFillBuffer = downcall(l, "clEnqueueFillBuffer", JAVA_INT, PTR, PTR, PTR, SIZE_T, SIZE_T, SIZE_T, JAVA_INT, PTR, PTR);
        enqueueNDRangeKernel = downcall(l, "clEnqueueNDRangeKernel", JAVA_INT, PTR, PTR, JAVA_INT, PTR, PTR, PTR, JAVA_INT, PTR, PTR);
        finish = downcall(l, "clFinish", JAVA_INT, PTR);
        getEventProfilingInfo = downcall(l, "clGetEventProfilingInfo", JAVA_INT, PTR, JAVA_INT, SIZE_T, PTR, PTR);
        releaseMemObject = downcall(l, "clReleaseMemObject", JAVA_INT, PTR);
        releaseKernel = downcall(l, "clReleaseKernel", JAVA_INT, PTR);
        releaseProgram = downcall(l, "clReleaseProgram", JAVA_INT, PTR);
        releaseCommandQueue = downcall(l, "clReleaseCommandQueue", JAVA_INT, PTR);
        releaseContext = downcall(l, "clReleaseContext", JAVA_INT, PTR);
        releaseEvent = downcall(l, "clReleaseEvent", JAVA_INT, PTR);
    }

    /** The bound library, or empty with {@link #unavailableReason()} set. */
    static Optional<ClLib> get() {
        PoclWorkaround.apply();
        return LIB.get();
    }

    static String unavailableReason() {
        return LIB.unavailableReason();
    }

    static ClLib require() {
        return get().orElseThrow(() -> new IllegalStateException(LIB.unavailableReason()));
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

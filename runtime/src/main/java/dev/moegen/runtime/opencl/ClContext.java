package dev.moegen.runtime.opencl;

import static dev.moegen.runtime.opencl.ClLib.*;
import static java.lang.foreign.ValueLayout.*;

import dev.moegen.runtime.foreign.ScalarArg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An OpenCL context with one in-order profiling queue on one device. Every object created through
 * it (buffers, programs, kernels) is released when it closes, in reverse order.
 */
public final class ClContext implements AutoCloseable {
    private static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    private static final int PROFILING_START = 0x1282, PROFILING_END = 0x1283;
    private static final long QUEUE_PROFILING = 1L << 1, MEM_READ_WRITE = 1L;

    private final ClLib cl;
    private final ClDevice device;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment context;
    private final MemorySegment queue;
    private final Deque<Runnable> releases = new ArrayDeque<>();
    private final java.util.Map<String, MemorySegment> programs = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean closed;

    ClContext(ClLib cl, ClDevice device) {
        this.cl = cl;
        this.device = device;
        MemorySegment err = arena.allocate(JAVA_INT);
        MemorySegment devs = arena.allocate(ADDRESS);
        devs.set(ADDRESS, 0, device.deviceId());
        context = invokePtr(cl.createContext, "clCreateContext", MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL, err);
        check(err.get(JAVA_INT, 0), "clCreateContext");
        releases.push(() -> release(cl.releaseContext, "clReleaseContext", context));
        queue = invokePtr(cl.createCommandQueue, "clCreateCommandQueue", context, device.deviceId(), QUEUE_PROFILING, err);
        check(err.get(JAVA_INT, 0), "clCreateCommandQueue");
        releases.push(() -> release(cl.releaseCommandQueue, "clReleaseCommandQueue", queue));
    }

    public ClDevice device() {
        return device;
    }

    /** A device buffer of {@code bytes} bytes (at least 1). */
    public MemorySegment buffer(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment mem = invokePtr(cl.createBuffer, "clCreateBuffer", context, MEM_READ_WRITE, Math.max(1, bytes), MemorySegment.NULL, err);
            int rc = err.get(JAVA_INT, 0);
            if (rc != 0) throw new ClException("clCreateBuffer(" + bytes + " bytes)", rc, null);
            releases.push(() -> release(cl.releaseMemObject, "clReleaseMemObject", mem));
            return mem;
        }
    }

    public void write(MemorySegment buffer, MemorySegment host) {
        write(buffer, host, true);
    }

    /** A copy to the device; when not {@code blocking}, {@code host} must stay valid until {@link #finish}. */
    public void write(MemorySegment buffer, MemorySegment host, boolean blocking) {
        check(invokeInt(cl.enqueueWriteBuffer, "clEnqueueWriteBuffer", queue, buffer, blocking ? 1 : 0, 0L, host.byteSize(), host, 0,
                MemorySegment.NULL, MemorySegment.NULL), "clEnqueueWriteBuffer");
    }

    public void read(MemorySegment buffer, MemorySegment host) {
        check(invokeInt(cl.enqueueReadBuffer, "clEnqueueReadBuffer", queue, buffer, 1, 0L, host.byteSize(), host, 0,
                MemorySegment.NULL, MemorySegment.NULL), "clEnqueueReadBuffer");
    }

    /** Fills {@code bytes} bytes with {@code pattern} (e.g. 0xFF to poison outputs). */
    public void fill(MemorySegment buffer, byte pattern, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(1);
            p.set(JAVA_BYTE, 0, pattern);
            check(invokeInt(cl.enqueueFillBuffer, "clEnqueueFillBuffer", queue, buffer, p, 1L, 0L, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueFillBuffer");
        }
    }

    /** Compiles {@code source}; on failure the exception carries the full build log. */
    public MemorySegment build(String source, String options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment src = a.allocateFrom(source);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, src);
            MemorySegment program = invokePtr(cl.createProgramWithSource, "clCreateProgramWithSource", context, 1, strings, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithSource");
            synchronized (releases) {
                releases.push(() -> release(cl.releaseProgram, "clReleaseProgram", program));
            }
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device.deviceId());
            int rc = invokeInt(cl.buildProgram, "clBuildProgram", program, 1, devs, a.allocateFrom(options), MemorySegment.NULL, MemorySegment.NULL);
            if (rc != 0) throw new ClException("clBuildProgram on " + device.name(), rc, "build log:\n" + buildLog(program));
            return program;
        }
    }

    /** {@link #build}, once per distinct source and options in this context (PoCL compiles take seconds); safe to call from several threads. */
    public MemorySegment buildCached(String source, String options) {
        String key = options + "\u0000" + source;
        MemorySegment p = programs.get(key);
        if (p == null) {
            p = build(source, options);
            MemorySegment raced = programs.putIfAbsent(key, p);
            if (raced != null) p = raced; // another thread built it too; both are released at close
        }
        return p;
    }

    /** Whether {@link #buildCached} already holds this source. */
    public boolean isBuilt(String source, String options) {
        return programs.containsKey(options + "\u0000" + source);
    }

    public String buildLog(MemorySegment program) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check(invokeInt(cl.getProgramBuildInfo, "clGetProgramBuildInfo", program, device.deviceId(), CL_PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size), "clGetProgramBuildInfo");
            long n = size.get(JAVA_LONG, 0);
            MemorySegment log = a.allocate(Math.max(1, n));
            check(invokeInt(cl.getProgramBuildInfo, "clGetProgramBuildInfo", program, device.deviceId(), CL_PROGRAM_BUILD_LOG, n, log, MemorySegment.NULL), "clGetProgramBuildInfo");
            return n == 0 ? "" : log.getString(0);
        }
    }

    public MemorySegment kernel(MemorySegment program, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment k = invokePtr(cl.createKernel, "clCreateKernel", program, a.allocateFrom(name), err);
            int rc = err.get(JAVA_INT, 0);
            if (rc != 0) throw new ClException("clCreateKernel(" + name + ")", rc, null);
            releases.push(() -> release(cl.releaseKernel, "clReleaseKernel", k));
            return k;
        }
    }

    /** Sets argument {@code index}: a device buffer (cl_mem handle) or an Integer, Long or Float. */
    public void setArg(MemorySegment kernel, int index, Object value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bytes = value instanceof MemorySegment mem ? a.allocateFrom(ADDRESS, mem) : ScalarArg.pack(a, value);
            check(invokeInt(cl.setKernelArg, "clSetKernelArg", kernel, index, bytes.byteSize(), bytes), "clSetKernelArg(" + index + ")");
        }
    }

    /** Enqueues a launch without waiting; returns its profiling event, which the caller releases ({@link #releaseEvent}). */
    public MemorySegment enqueue(MemorySegment kernel, String name, long[] global, long[] local) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(JAVA_LONG, global.length), l = a.allocate(JAVA_LONG, local.length);
            for (int i = 0; i < global.length; i++) {
                g.setAtIndex(JAVA_LONG, i, global[i]);
                l.setAtIndex(JAVA_LONG, i, local[i]);
            }
            MemorySegment ev = a.allocate(ADDRESS);
            int rc = invokeInt(cl.enqueueNDRangeKernel, "clEnqueueNDRangeKernel", queue, kernel, global.length, MemorySegment.NULL, g, l, 0, MemorySegment.NULL, ev);
            if (rc != 0) throw new ClException("clEnqueueNDRangeKernel(" + name + ", global " + java.util.Arrays.toString(global)
                    + ", local " + java.util.Arrays.toString(local) + ")", rc, null);
            return ev.get(ADDRESS, 0);
        }
    }

    /** Waits until everything enqueued has run. */
    public void finish() {
        check(invokeInt(cl.finish, "clFinish", queue), "clFinish");
    }

    /** Device time of a completed launch (profiling start to end), in nanoseconds. */
    public long eventNanos(MemorySegment event) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t0 = a.allocate(JAVA_LONG), t1 = a.allocate(JAVA_LONG);
            check(invokeInt(cl.getEventProfilingInfo, "clGetEventProfilingInfo", event, PROFILING_START, 8L, t0, MemorySegment.NULL), "clGetEventProfilingInfo");
            check(invokeInt(cl.getEventProfilingInfo, "clGetEventProfilingInfo", event, PROFILING_END, 8L, t1, MemorySegment.NULL), "clGetEventProfilingInfo");
            return t1.get(JAVA_LONG, 0) - t0.get(JAVA_LONG, 0);
        }
    }

    public void releaseEvent(MemorySegment event) {
        release(cl.releaseEvent, "clReleaseEvent", event);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            invokeInt(cl.finish, "clFinish", queue);
        } finally {
            while (!releases.isEmpty()) releases.pop().run();
            arena.close();
        }
    }

    private static void release(MethodHandle h, String call, MemorySegment obj) {
        check(invokeInt(h, call, obj), call);
    }
}

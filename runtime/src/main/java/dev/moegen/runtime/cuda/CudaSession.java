package dev.moegen.runtime.cuda;

import static java.lang.foreign.ValueLayout.*;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.Pending;
import dev.moegen.runtime.foreign.ScalarArg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * {@link DeviceSession} on a CUDA device's primary context. Kernels: the plan's CUDA source compiled
 * by nvcc to a cubin for the device's architecture (once per distinct source per session), loaded
 * with cuModuleLoadData. Launches go to one stream of the session (a blocking one: the synchronous copies
 * order with it); launch timing from CUDA events around each launch. With {@code MOEGEN_CUDA_GRAPHS=1} (or
 * the system property {@code moegen.cuda.graphs=true})
 * a replayable sequence (a layer's untimed forward) is captured into a CUDA graph once per key and
 * replayed as one launch — opt-in until a GPU run has measured it.
 */
public final class CudaSession implements DeviceSession {
    private record CuBuffer(long ptr) implements Buffer {}

    private static final class CuKernel implements Kernel {
        final MemorySegment function;
        int sharedOptIn = 48 * 1024; // dynamic shared memory a launch may use without opting in

        CuKernel(MemorySegment function) {
            this.function = function;
        }
    }

    private static final int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    private final CuLib cu = Cuda.lib();
    private final CudaDevice device;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment context;
    private final Path workDir;
    private final CubinCache cubins;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final List<Long> allocations = new ArrayList<>();
    /** A launch's start and end events and what waits for its time. */
    private record InFlight(MemorySegment start, MemorySegment end, Pending pending) {}

    private final List<InFlight> inFlight = new ArrayList<>();
    private final MemorySegment stream;
    /** Instantiated graphs by the key their launches were captured under. */
    private final Map<Object, MemorySegment> graphs = new HashMap<>();
    private final boolean useGraphs = ("1".equals(System.getenv("MOEGEN_CUDA_GRAPHS")) || Boolean.getBoolean("moegen.cuda.graphs"))
            && cu.graphInstantiate != null && cu.streamBeginCapture != null; // an older driver launches kernel by kernel
    private boolean capturing;
    private boolean closed;
    private static final int CU_STREAM_CAPTURE_MODE_RELAXED = 2;

    public CudaSession(CudaDevice device) {
        this.device = device;
        MemorySegment ctx = arena.allocate(ADDRESS);
        cu.call(cu.init, "cuInit", 0);
        cu.call(cu.primaryCtxRetain, "cuDevicePrimaryCtxRetain", ctx, device.ordinal());
        context = ctx.get(ADDRESS, 0);
        current();
        MemorySegment st = arena.allocate(ADDRESS);
        cu.call(cu.streamCreate, "cuStreamCreate", st, 0); // flags 0: ordered with the legacy stream's synchronous copies
        stream = st.get(ADDRESS, 0);
        try {
            workDir = dev.moegen.dsl.io.Cleanup.register(Files.createTempDirectory("moegen-cuda"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cubins = new CubinCache(workDir, device.arch());
    }

    public CudaDevice cudaDevice() {
        return device;
    }

    private void current() {
        cu.call(cu.ctxSetCurrent, "cuCtxSetCurrent", context);
    }

    @Override
    public DeviceInfo device() {
        return device.info();
    }

    @Override
    public Map<String, Kernel> load(GeneratedSource src, List<String> names) {
        current();
        MemorySegment module = modules.computeIfAbsent(src.text(), text -> loadModule(src));
        Map<String, Kernel> out = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            for (String k : names) {
                MemorySegment f = a.allocate(ADDRESS);
                cu.call(cu.moduleGetFunction, "cuModuleGetFunction(" + k + ")", f, module, a.allocateFrom(k));
                out.put(k, new CuKernel(f.get(ADDRESS, 0)));
            }
        }
        return out;
    }

    private MemorySegment loadModule(GeneratedSource src) {
        byte[] cubin = cubins.get(src);
        MemorySegment image = arena.allocate(cubin.length + 1L, 16);
        MemorySegment.copy(cubin, 0, image, JAVA_BYTE, 0, cubin.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(ADDRESS);
            cu.call(cu.moduleLoadData, "cuModuleLoadData(" + src.fileName() + " for " + device.arch() + ")", m, image);
            return m.get(ADDRESS, 0);
        }
    }

    /** A cubin shipped for this device's architecture replaces the nvcc run. */
    @Override
    public void usePrebuilt(GeneratedSource src, dev.moegen.runtime.exec.Prebuilt prebuilt) {
        byte[] cubin = prebuilt.cubins().get(device.arch());
        if (cubin != null) cubins.seed(src, cubin);
    }

    /** Runs nvcc for the sources in parallel (one process per core); loading them stays with {@link #load}. */
    @Override
    public void prepare(List<GeneratedSource> sources) {
        cubins.prepare(sources);
    }

    @Override
    public Buffer alloc(long bytes) {
        current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            cu.call(cu.memAlloc, "cuMemAlloc(" + bytes + " bytes)", p, Math.max(1, bytes));
            long ptr = p.get(JAVA_LONG, 0);
            allocations.add(ptr);
            return new CuBuffer(ptr);
        }
    }

    private static final int CU_TENSOR_MAP_DATA_TYPE_UINT16 = 1, CU_TENSOR_MAP_INTERLEAVE_NONE = 0, CU_TENSOR_MAP_SWIZZLE_128B = 3,
            CU_TENSOR_MAP_L2_PROMOTION_L2_128B = 2, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE = 0;

    /**
     * cuTensorMapEncodeTiled over the weight: 16-bit elements moved as raw bits, dims (cols, rows), the row stride in
     * bytes, boxes of (boxCols, boxRows), the 128-byte swizzle the wgmma tiles use, zeros past the edges.
     */
    @Override
    public byte[] tensorMap(Buffer weight, dev.moegen.codegen.plan.TensorMapSpec m) {
        if (m.elementBytes() != 2) throw new IllegalArgumentException("tensor map of " + m.weight().id() + ": " + m.elementBytes() + "-byte elements; the wgmma loop reads 16-bit ones");
        if (cu.tensorMapEncodeTiled == null)
            throw new IllegalStateException("this NVIDIA driver has no cuTensorMapEncodeTiled (CUDA 12 or later): the warp-specialised loop (producer = 1) cannot run here; use producer = 0");
        current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(dev.moegen.codegen.plan.TensorMapSpec.BYTES, 64);
            cu.call(cu.tensorMapEncodeTiled, "cuTensorMapEncodeTiled(" + m + ")", map, CU_TENSOR_MAP_DATA_TYPE_UINT16, 2, ((CuBuffer) weight).ptr(),
                    a.allocateFrom(JAVA_LONG, m.cols(), m.rows()), a.allocateFrom(JAVA_LONG, m.cols() * m.elementBytes()),
                    a.allocateFrom(JAVA_INT, m.boxCols(), m.boxRows()), a.allocateFrom(JAVA_INT, 1, 1),
                    CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_128B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
            return map.toArray(JAVA_BYTE);
        }
    }

    @Override
    public void write(Buffer b, MemorySegment host) {
        current();
        cu.call(cu.memcpyHtoD, "cuMemcpyHtoD", ((CuBuffer) b).ptr(), host, host.byteSize());
    }

    @Override
    public void read(Buffer b, MemorySegment host) {
        current();
        cu.call(cu.memcpyDtoH, "cuMemcpyDtoH", host, ((CuBuffer) b).ptr(), host.byteSize());
    }

    @Override
    public void fill(Buffer b, byte pattern, long bytes) {
        current();
        cu.call(cu.memsetD8, "cuMemsetD8", ((CuBuffer) b).ptr(), pattern, bytes);
    }

    @Override
    public Pending enqueue(Kernel k, String name, List<Object> args, Launch launch) {
        current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, args.size());
            for (int i = 0; i < args.size(); i++)
                params.setAtIndex(ADDRESS, i, args.get(i) instanceof CuBuffer b ? a.allocateFrom(JAVA_LONG, b.ptr()) : ScalarArg.pack(a, args.get(i)));
            CuKernel kernel = (CuKernel) k;
            if (launch.sharedBytes() > kernel.sharedOptIn) {
                cu.call(cu.funcSetAttribute, "cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + launch.sharedBytes() + ")",
                        kernel.function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, launch.sharedBytes());
                kernel.sharedOptIn = launch.sharedBytes();
            }
            long[] g = launch.global(), l = launch.local();
            int gx = grid(g, l, 0), gy = grid(g, l, 1), gz = grid(g, l, 2);
            int bx = (int) l[0], by = l.length > 1 ? (int) l[1] : 1, bz = l.length > 2 ? (int) l[2] : 1;
            String what = "cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + "x" + bz + ", " + launch.sharedBytes() + " B shared)";
            if (capturing) { // a node of the graph being captured: no events, no device time
                cu.call(cu.launchKernel, what, kernel.function, gx, gy, gz, bx, by, bz, launch.sharedBytes(), stream, params, MemorySegment.NULL);
                return new Pending(name);
            }
            MemorySegment e0 = a.allocate(ADDRESS), e1 = a.allocate(ADDRESS);
            cu.call(cu.eventCreate, "cuEventCreate", e0, 0);
            cu.call(cu.eventCreate, "cuEventCreate", e1, 0);
            Pending p = new Pending(name);
            InFlight f = new InFlight(e0.get(ADDRESS, 0), e1.get(ADDRESS, 0), p);
            inFlight.add(f); // destroyed by finish() or close() whatever happens below
            cu.call(cu.eventRecord, "cuEventRecord", f.start(), stream);
            cu.call(cu.launchKernel, what, kernel.function, gx, gy, gz, bx, by, bz, launch.sharedBytes(), stream, params, MemorySegment.NULL);
            cu.call(cu.eventRecord, "cuEventRecord", f.end(), stream);
            return p;
        }
    }

    /**
     * With MOEGEN_CUDA_GRAPHS=1: the first call for a key captures {@code launches} from the session's stream into a
     * graph (relaxed mode, so the lazy shared-memory opt-in may run inside) and instantiates it; every call launches
     * that graph on the stream. Otherwise the launches are enqueued one by one.
     */
    @Override
    public void enqueueReplayable(Object key, Runnable launches) {
        if (!useGraphs) {
            launches.run();
            return;
        }
        current();
        MemorySegment exec = graphs.get(key);
        if (exec == null) exec = capture(key, launches);
        cu.call(cu.graphLaunch, "cuGraphLaunch", exec, stream);
    }

    private MemorySegment capture(Object key, Runnable launches) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment graph = a.allocate(ADDRESS), exec = a.allocate(ADDRESS);
            cu.call(cu.streamBeginCapture, "cuStreamBeginCapture", stream, CU_STREAM_CAPTURE_MODE_RELAXED);
            capturing = true;
            try {
                launches.run();
            } finally {
                capturing = false;
                cu.call(cu.streamEndCapture, "cuStreamEndCapture", stream, graph); // ends the capture even when a launch failed
            }
            try {
                cu.call(cu.graphInstantiate, "cuGraphInstantiateWithFlags", exec, graph.get(ADDRESS, 0), 0L);
            } finally {
                cu.call(cu.graphDestroy, "cuGraphDestroy", graph.get(ADDRESS, 0));
            }
            MemorySegment e = exec.get(ADDRESS, 0);
            graphs.put(key, e);
            return e;
        }
    }

    /** One synchronisation for everything enqueued, then each launch's time from its event pair. */
    @Override
    public void finish() {
        current();
        try (Arena a = Arena.ofConfined()) {
            cu.call(cu.ctxSynchronize, "cuCtxSynchronize");
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            for (InFlight f : inFlight) {
                cu.call(cu.eventElapsedTime, "cuEventElapsedTime", ms, f.start(), f.end());
                f.pending().complete(Math.round(ms.get(JAVA_FLOAT, 0) * 1e6));
            }
        } finally {
            destroyEvents();
        }
    }

    private void destroyEvents() {
        for (InFlight f : inFlight) {
            cu.call(cu.eventDestroy, "cuEventDestroy", f.start());
            cu.call(cu.eventDestroy, "cuEventDestroy", f.end());
        }
        inFlight.clear();
    }

    private static int grid(long[] g, long[] l, int d) {
        if (d >= g.length) return 1;
        long n = g[d] / l[d];
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("grid dimension " + d + " = " + n + " exceeds the CUDA limit");
        return (int) n;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            current();
            cu.call(cu.ctxSynchronize, "cuCtxSynchronize");
            destroyEvents();
            for (MemorySegment g : graphs.values()) cu.call(cu.graphExecDestroy, "cuGraphExecDestroy", g);
            graphs.clear();
            cu.call(cu.streamDestroy, "cuStreamDestroy", stream);
            for (long p : allocations) cu.call(cu.memFree, "cuMemFree", p);
            for (MemorySegment m : modules.values()) cu.call(cu.moduleUnload, "cuModuleUnload", m);
            cu.call(cu.primaryCtxRelease, "cuDevicePrimaryCtxRelease", device.ordinal());
        } finally {
            arena.close();
            try {
                dev.moegen.dsl.io.AtomicFiles.deleteTree(workDir);
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }
}

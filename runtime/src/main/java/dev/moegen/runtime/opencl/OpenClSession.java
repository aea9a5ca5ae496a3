package dev.moegen.runtime.opencl;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.Parallel;
import dev.moegen.runtime.exec.Pending;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DeviceSession} on an OpenCL context. */
public final class OpenClSession implements DeviceSession {
    private record ClBuffer(MemorySegment mem) implements Buffer {}

    /** A kernel and the arguments last set on it: OpenCL keeps them, so a launch sets only what changed (host time per launch). */
    private static final class ClKernel implements Kernel {
        final MemorySegment kernel;
        Object[] args = new Object[0];

        ClKernel(MemorySegment kernel) {
            this.kernel = kernel;
        }
    }

    /** A launch's profiling event and what waits for its time. */
    private record InFlight(MemorySegment event, Pending pending) {}

    private static final String OPTIONS = "-cl-std=CL1.2";
    private final ClContext ctx;
    private final List<InFlight> inFlight = new ArrayList<>();

    public OpenClSession(ClContext ctx) {
        this.ctx = ctx;
    }

    public static OpenClSession open(ClDevice device) {
        return new OpenClSession(OpenCl.open(device));
    }

    public ClContext context() {
        return ctx;
    }

    @Override
    public DeviceInfo device() {
        return ctx.device().info();
    }

    @Override
    public Map<String, Kernel> load(GeneratedSource source, List<String> names) {
        MemorySegment program = ctx.buildCached(source.text(), OPTIONS);
        Map<String, Kernel> m = new LinkedHashMap<>();
        for (String k : names) m.put(k, new ClKernel(ctx.kernel(program, k)));
        return m;
    }

    /** Builds the sources not built yet on up to one thread per core; a failing build is left for {@link #load} to report. */
    @Override
    public void prepare(List<GeneratedSource> sources) {
        List<GeneratedSource> todo = sources.stream().filter(s -> !ctx.isBuilt(s.text(), OPTIONS)).distinct().toList();
        if (todo.size() < 2) return; // one build gains nothing from running ahead
        Parallel.each(todo, s -> {
            try {
                ctx.buildCached(s.text(), OPTIONS);
            } catch (RuntimeException e) {
                // reported with its build log when the candidate is loaded
            }
        });
    }

    @Override
    public Buffer alloc(long bytes) {
        return new ClBuffer(ctx.buffer(bytes));
    }

    @Override
    public void write(Buffer b, MemorySegment host) {
        ctx.write(((ClBuffer) b).mem(), host);
    }

    @Override
    public void enqueueWrite(Buffer b, MemorySegment host) {
        ctx.write(((ClBuffer) b).mem(), host, false);
    }

    @Override
    public void read(Buffer b, MemorySegment host) {
        ctx.read(((ClBuffer) b).mem(), host);
    }

    @Override
    public void fill(Buffer b, byte pattern, long bytes) {
        ctx.fill(((ClBuffer) b).mem(), pattern, bytes);
    }

    @Override
    public Pending enqueue(Kernel k, String name, List<Object> args, Launch launch) {
        ClKernel ck = (ClKernel) k;
        MemorySegment kernel = ck.kernel;
        if (ck.args.length != args.size()) ck.args = new Object[args.size()];
        for (int i = 0; i < args.size(); i++) {
            Object v = args.get(i);
            if (v.equals(ck.args[i])) continue;
            ck.args[i] = null; // unknown until the call succeeds
            ctx.setArg(kernel, i, v instanceof ClBuffer b ? b.mem() : v);
            ck.args[i] = v;
        }
        Pending p = new Pending(name);
        inFlight.add(new InFlight(ctx.enqueue(kernel, name, launch.global(), launch.local()), p));
        return p;
    }

    @Override
    public void finish() {
        try {
            ctx.finish();
            for (InFlight f : inFlight) f.pending().complete(ctx.eventNanos(f.event()));
        } finally {
            for (InFlight f : inFlight) ctx.releaseEvent(f.event());
            inFlight.clear();
        }
    }

    @Override
    public void close() {
        for (InFlight f : inFlight) ctx.releaseEvent(f.event());
        inFlight.clear();
        ctx.close();
    }
}

package dev.moegen.runtime.opencl;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.runtime.exec.DeviceSession;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DeviceSession} on an OpenCL context. */
public final class OpenClSession implements DeviceSession {
    private record ClBuffer(MemorySegment mem) implements Buffer {}

    private record ClKernel(MemorySegment kernel) implements Kernel {}

    private final ClContext ctx;

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
        MemorySegment program = ctx.buildCached(source.text(), "-cl-std=CL1.2");
        Map<String, Kernel> m = new LinkedHashMap<>();
        for (String k : names) m.put(k, new ClKernel(ctx.kernel(program, k)));
        return m;
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
    public void read(Buffer b, MemorySegment host) {
        ctx.read(((ClBuffer) b).mem(), host);
    }

    @Override
    public void fill(Buffer b, byte pattern, long bytes) {
        ctx.fill(((ClBuffer) b).mem(), pattern, bytes);
    }

    @Override
    public long launch(Kernel k, String name, List<Object> args, Launch launch) {
        MemorySegment kernel = ((ClKernel) k).kernel();
        for (int i = 0; i < args.size(); i++)
            ctx.setArg(kernel, i, args.get(i) instanceof ClBuffer b ? b.mem() : args.get(i));
        return ctx.launch(kernel, name, launch.global(), launch.local());
    }

    @Override
    public void close() {
        ctx.close();
    }
}

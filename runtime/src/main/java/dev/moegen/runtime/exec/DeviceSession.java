package dev.moegen.runtime.exec;

import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Launch;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * What a backend offers a plan: load its kernels, device buffers, copies, launches timed by device
 * events. {@link PlanLayer} runs any plan on any session, so OpenCL and CUDA share one executor.
 */
public interface DeviceSession extends AutoCloseable {
    /** A device buffer; opaque to callers. */
    interface Buffer {}

    /** A loaded kernel entry point; opaque to callers. */
    interface Kernel {}

    String backend();

    String describe();

    /** What plans for this session are made for (backend and architecture): picks the default parameters. */
    dev.moegen.codegen.plan.Target target();

    /** Compiles or loads {@code kernels} from a generated source (once per distinct source per session). */
    Map<String, Kernel> load(dev.moegen.codegen.emit.GeneratedSource source, List<String> kernels);

    /** The plan's kernels, from its source for this session's backend. */
    default Map<String, Kernel> load(KernelPlan plan) {
        var src = dev.moegen.codegen.emit.SourceEmitter.emit(plan, dev.moegen.codegen.Backend.parse(backend()));
        return load(src, plan.kernels().stream().map(dev.moegen.codegen.plan.PlannedKernel::name).toList());
    }

    Buffer alloc(long bytes);

    void write(Buffer b, MemorySegment host);

    void read(Buffer b, MemorySegment host);

    void fill(Buffer b, byte pattern, long bytes);

    /** Launches with arguments that are {@link Buffer}s, {@link Integer}s, {@link Long}s or {@link Float}s; waits; returns device nanoseconds. */
    long launch(Kernel k, String name, List<Object> args, Launch launch);

    @Override
    void close();
}

package dev.moegen.runtime.exec;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.codegen.plan.PlannedKernel;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.platform.Target;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backend offers a plan: load its kernels, device buffers, copies, launches timed by device
 * events. {@link PlanLayer} runs any plan on any session, so every backend shares one executor.
 */
public interface DeviceSession extends AutoCloseable {
    /** A device buffer; opaque to callers. */
    interface Buffer {}

    /** A loaded kernel entry point; opaque to callers. */
    interface Kernel {}

    default BackendId backend() {
        return target().backend();
    }

    /** The device: name, description, and the target (architecture, capabilities, limits) plans for it are made for. */
    DeviceInfo device();

    default String describe() {
        return device().describe();
    }

    /** What plans for this session are made for: picks the defaults and bounds the parameter space. */
    default Target target() {
        return device().target();
    }

    /** Compiles or loads {@code kernels} from a generated source (once per distinct source per session). */
    Map<String, Kernel> load(GeneratedSource source, List<String> kernels);

    /**
     * Compiles sources ahead of their {@link #load}, in parallel where the backend can (OpenCL builds programs on
     * several threads); by default nothing happens ahead and {@link #load} compiles. Failures surface at load.
     */
    default void prepare(List<GeneratedSource> sources) {}

    /** The plan's kernels by role, from its source spelled for this session's backend. */
    default Map<KernelRole, Kernel> load(KernelPlan plan) {
        GeneratedSource src = SourceEmitter.emit(plan, backend());
        Map<String, Kernel> byName = load(src, plan.kernels().stream().map(PlannedKernel::name).toList());
        Map<KernelRole, Kernel> m = new LinkedHashMap<>();
        for (PlannedKernel k : plan.kernels()) m.put(k.role(), byName.get(k.name()));
        return m;
    }

    Buffer alloc(long bytes);

    void write(Buffer b, MemorySegment host);

    /**
     * Enqueues a copy to the device behind the launches already enqueued and returns without waiting where the backend
     * can; {@code host} must stay valid and unchanged until {@link #finish}. A blocking copy by default.
     */
    default void enqueueWrite(Buffer b, MemorySegment host) {
        write(b, host);
    }

    void read(Buffer b, MemorySegment host);

    void fill(Buffer b, byte pattern, long bytes);

    /**
     * Enqueues a launch with arguments that are {@link Buffer}s, {@link Integer}s, {@link Long}s or {@link Float}s on
     * the session's one in-order queue (stream) and returns at once; launches run in the order enqueued.
     */
    Pending enqueue(Kernel k, String name, List<Object> args, Launch launch);

    /** Waits for everything enqueued, then completes each pending launch with its device time (profiling events). */
    void finish();

    /** One launch, waited for: its device nanoseconds. */
    default long launch(Kernel k, String name, List<Object> args, Launch launch) {
        Pending p = enqueue(k, name, args, launch);
        finish();
        return p.nanos();
    }

    @Override
    void close();
}

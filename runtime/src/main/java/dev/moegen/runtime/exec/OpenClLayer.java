package dev.moegen.runtime.exec;

import dev.moegen.codegen.Backend;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.codegen.plan.PlannedBuffer;
import dev.moegen.codegen.plan.PlannedKernel;
import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.opencl.ClContext;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel plan made ready on an OpenCL context: program built (once per source per context),
 * buffers sized for {@code maxTokens}, weights uploaded. {@link #run} poisons every output buffer
 * with 0xFF (NaN / −1) so an element a kernel fails to write cannot pass verification.
 */
public final class OpenClLayer {
    private final ClContext ctx;
    private final KernelPlan plan;
    private final int maxTokens;
    private final Map<String, MemorySegment> buffers = new LinkedHashMap<>();
    private final Map<String, MemorySegment> kernels = new LinkedHashMap<>();

    public OpenClLayer(ClContext ctx, KernelPlan plan, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens = " + maxTokens + ": must be >= 1");
        this.ctx = ctx;
        this.plan = plan;
        this.maxTokens = maxTokens;
        String source = SourceEmitter.emit(plan, Backend.OPENCL).text();
        MemorySegment program = ctx.buildCached(source, "-cl-std=CL1.2");
        for (PlannedKernel k : plan.kernels()) kernels.put(k.name(), ctx.kernel(program, k.name()));
        for (PlannedBuffer b : plan.buffers())
            buffers.put(b.name(), ctx.buffer(Math.multiplyExact(plan.elements(b.name(), maxTokens), (long) b.dtype().bytes())));
    }

    public KernelPlan plan() {
        return plan;
    }

    /** Uploads the named weights (w_router, w13, w2 and the biases the plan has). */
    public void setWeights(Map<String, float[]> weights) {
        for (PlannedBuffer b : plan.buffers()) {
            if (!b.role().equals("weight")) continue;
            float[] v = weights.get(b.name());
            if (v == null) throw new IllegalArgumentException("missing weight '" + b.name() + "'");
            upload(b, v, plan.elements(b.name(), maxTokens));
        }
    }

    public LayerRun run(float[] x, int tokens) {
        if (tokens < 1 || tokens > maxTokens) throw new IllegalArgumentException("tokens = " + tokens + ": must be in [1, " + maxTokens + "]");
        upload(plan.buffer("x"), x, plan.elements("x", tokens));
        for (PlannedBuffer b : plan.buffers())
            if (b.role().equals("output") || b.role().equals("scratch"))
                ctx.fill(buffers.get(b.name()), (byte) 0xFF, plan.elements(b.name(), maxTokens) * b.dtype().bytes());
        Map<String, Long> nanos = new LinkedHashMap<>();
        for (PlannedKernel k : plan.kernels()) {
            MemorySegment kernel = kernels.get(k.name());
            List<String> args = k.args();
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case PlannedKernel.TOKENS -> ctx.setArg(kernel, i, tokens);
                    case PlannedKernel.CAPACITY -> ctx.setArg(kernel, i, plan.capacity(tokens));
                    default -> ctx.setArg(kernel, i, buffers.get(args.get(i)));
                }
            }
            Launch l = plan.launch(k, tokens);
            nanos.put(k.name(), ctx.launch(kernel, k.name(), l.global(), l.local()));
        }
        Map<String, float[]> floats = new LinkedHashMap<>();
        Map<String, int[]> ints = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            for (PlannedBuffer b : plan.buffers()) {
                if (!b.role().equals("output")) continue;
                int n = Math.toIntExact(plan.elements(b.name(), tokens));
                MemorySegment host = a.allocate(Math.max(1, (long) n * b.dtype().bytes()), 8);
                ctx.read(buffers.get(b.name()), host);
                if (b.dtype() == DType.INT32) ints.put(b.name(), HostCodec.decodeInts(host, n));
                else floats.put(b.name(), HostCodec.decode(host, b.dtype(), n));
            }
        }
        return new LayerRun(tokens, floats, ints, nanos);
    }

    private void upload(PlannedBuffer b, float[] v, long expected) {
        if (v.length != expected)
            throw new IllegalArgumentException(b.name() + " has " + v.length + " elements, the plan needs " + expected);
        try (Arena a = Arena.ofConfined()) {
            ctx.write(buffers.get(b.name()), HostCodec.encode(a, b.dtype(), v));
        }
    }
}

package dev.moegen.runtime.exec;

import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.PlannedBuffer;
import dev.moegen.codegen.plan.PlannedKernel;
import dev.moegen.dsl.types.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel plan made ready on a device session: kernels loaded, buffers sized for
 * {@code maxTokens}, weights uploaded. {@link #run} poisons every output buffer with 0xFF
 * (NaN / −1) so an element a kernel fails to write cannot pass verification; {@link #forward}
 * and {@link #launch} (the model's and the benchmark's paths) skip that.
 */
public final class PlanLayer {
    private final DeviceSession dev;
    private final KernelPlan plan;
    private final int maxTokens;
    private final Map<String, DeviceSession.Buffer> buffers = new LinkedHashMap<>();
    private final Map<String, DeviceSession.Kernel> kernels;

    public PlanLayer(DeviceSession dev, KernelPlan plan, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens = " + maxTokens + ": must be >= 1");
        this.dev = dev;
        this.plan = plan;
        this.maxTokens = maxTokens;
        this.kernels = dev.load(plan);
        for (PlannedBuffer b : plan.buffers())
            buffers.put(b.name(), dev.alloc(Math.multiplyExact(plan.capacityElements(b.name(), maxTokens), (long) b.dtype().bytes())));
    }

    public KernelPlan plan() {
        return plan;
    }

    public DeviceSession session() {
        return dev;
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

    /** Lets {@code filler} write a weight on the device (buffer, element count), e.g. a random-fill kernel for benchmarks. */
    public void fillWeight(String name, java.util.function.BiConsumer<DeviceSession.Buffer, Long> filler) {
        plan.buffer(name);
        filler.accept(buffers.get(name), plan.elements(name, maxTokens));
    }

    /** Uploads one weight. */
    public void setWeight(String name, float[] v) {
        upload(plan.buffer(name), v, plan.elements(name, maxTokens));
    }

    /** Poisons every output, launches and reads every output back: what verification needs. */
    public LayerRun run(float[] x, int tokens) {
        checkTokens(tokens);
        for (PlannedBuffer b : plan.buffers())
            if (b.role().equals("output") || b.role().equals("scratch"))
                dev.fill(buffers.get(b.name()), (byte) 0xFF, plan.capacityElements(b.name(), maxTokens) * b.dtype().bytes());
        Map<String, Long> nanos = launch(x, tokens);
        return readBack(tokens, nanos);
    }

    /** y[tokens][H] for x: launches and reads back y alone (what a model's forward pass needs). */
    public float[] forward(float[] x, int tokens) {
        launch(x, tokens);
        PlannedBuffer y = plan.buffer("y");
        int n = Math.toIntExact(plan.elements("y", tokens));
        try (Arena a = Arena.ofConfined()) {
            return HostCodec.decode(read(a, y, n), y.dtype(), n);
        }
    }

    /** Uploads x and runs every kernel; returns device ns per kernel, reads nothing back. */
    public Map<String, Long> launch(float[] x, int tokens) {
        checkTokens(tokens);
        upload(plan.buffer("x"), x, plan.elements("x", tokens));
        Map<String, Long> nanos = new LinkedHashMap<>();
        for (PlannedKernel k : plan.kernels()) {
            List<Object> args = new ArrayList<>();
            for (String a : k.args()) {
                switch (a) {
                    case PlannedKernel.TOKENS -> args.add(tokens);
                    case PlannedKernel.CAPACITY -> args.add(plan.capacity(tokens));
                    case PlannedKernel.SPLITS -> args.add(plan.params().splits(tokens));
                    default -> args.add(buffers.get(a));
                }
            }
            nanos.put(k.name(), dev.launch(kernels.get(k.name()), k.name(), args, plan.launch(k, tokens)));
        }
        return nanos;
    }

    /** The outputs of the last {@link #launch} for {@code tokens} tokens. */
    public LayerRun readBack(int tokens, Map<String, Long> nanos) {
        Map<String, float[]> floats = new LinkedHashMap<>();
        Map<String, int[]> ints = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            for (PlannedBuffer b : plan.buffers()) {
                if (!b.role().equals("output")) continue;
                int n = Math.toIntExact(plan.elements(b.name(), tokens));
                MemorySegment host = read(a, b, n);
                if (b.dtype() == DType.INT32) ints.put(b.name(), HostCodec.decodeInts(host, n));
                else floats.put(b.name(), HostCodec.decode(host, b.dtype(), n));
            }
        }
        int splits = plan.params().splits(tokens);
        if (splits > 1) floats.put("expert_out", sumSlices(floats.get("expert_out"), splits));
        return new LayerRun(tokens, floats, ints, nanos);
    }

    /** expert_out as one [rows, H] array: the K slices added in slice order, as the combine kernel adds them. */
    private static float[] sumSlices(float[] slices, int splits) {
        int n = slices.length / splits;
        float[] out = new float[n];
        for (int k = 0; k < splits; k++)
            for (int j = 0; j < n; j++) out[j] += slices[k * n + j];
        return out;
    }

    /** The first {@code n} elements of a device buffer, in host memory from {@code a}. */
    private MemorySegment read(Arena a, PlannedBuffer b, int n) {
        MemorySegment host = a.allocate(Math.max(1, (long) n * b.dtype().bytes()), 8);
        dev.read(buffers.get(b.name()), host);
        return host;
    }

    private void checkTokens(int tokens) {
        if (tokens < 1 || tokens > maxTokens) throw new IllegalArgumentException("tokens = " + tokens + ": must be in [1, " + maxTokens + "]");
    }

    private void upload(PlannedBuffer b, float[] v, long expected) {
        if (v.length != expected)
            throw new IllegalArgumentException(b.name() + " has " + v.length + " elements, the plan needs " + expected);
        try (Arena a = Arena.ofConfined()) {
            dev.write(buffers.get(b.name()), HostCodec.encode(a, b.dtype(), v));
        }
    }
}

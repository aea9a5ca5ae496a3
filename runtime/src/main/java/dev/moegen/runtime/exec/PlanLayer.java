package dev.moegen.runtime.exec;

import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.KernelArg;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
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
    private final Map<BufferId, DeviceSession.Buffer> buffers = new LinkedHashMap<>();
    private final Map<BufferId, Long> allocated = new LinkedHashMap<>();
    private final Map<KernelRole, DeviceSession.Kernel> kernels;
    /** Host memory x is encoded into before its copy to the device; freed with this layer by the GC. */
    private final MemorySegment xStaging;
    /** The key of the gating's random stream for the next forwards (noisy gating, GShard's second expert). */
    private volatile int seed;
    /** The weights' TMA tensor maps (warp-specialised wgmma plans), encoded at first use. */
    private final Map<BufferId, byte[]> tensorMaps = new java.util.EnumMap<>(BufferId.class);
    /** This layer in replay keys: a recorded forward holds its buffers and kernels, so it is this layer's alone. */
    private final Object replayKey = new Object();

    public PlanLayer(DeviceSession dev, KernelPlan plan, int maxTokens) {
        this(dev, plan, maxTokens, Prebuilt.NONE);
    }

    /** With kernels generated ahead of time (a build-time launcher's classpath resources): checked, and used where the backend can. */
    public PlanLayer(DeviceSession dev, KernelPlan plan, int maxTokens, Prebuilt prebuilt) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens = " + maxTokens + ": must be >= 1");
        this.dev = dev;
        this.plan = plan;
        this.maxTokens = maxTokens;
        this.kernels = dev.load(plan, prebuilt);
        for (PlannedBuffer b : plan.buffers()) {
            long bytes = bytes(plan, b, maxTokens);
            buffers.put(b.id(), dev.alloc(bytes));
            allocated.put(b.id(), bytes);
        }
        zeroCounters();
        PlannedBuffer x = plan.buffer(BufferId.X);
        this.xStaging = Arena.ofAuto().allocate(Math.max(1, Math.multiplyExact(plan.elements(BufferId.X, maxTokens), (long) x.dtype().bytes())), 16);
    }

    /**
     * {@code plan}'s kernels on {@code from}'s buffers, weights included: plans of one layer that differ only in kernel
     * parameters (a tuner's candidates) share one set of buffers; a buffer is allocated anew only where {@code plan}
     * needs more (e.g. more padding rows), and then holds no data.
     */
    public PlanLayer(PlanLayer from, KernelPlan plan) {
        if (!from.plan.spec().equals(plan.spec())) throw new IllegalArgumentException("plans of different layers cannot share buffers");
        this.dev = from.dev;
        this.plan = plan;
        this.maxTokens = from.maxTokens;
        this.kernels = dev.load(plan);
        for (PlannedBuffer b : plan.buffers()) {
            long bytes = bytes(plan, b, maxTokens);
            Long have = from.allocated.get(b.id());
            boolean reuse = have != null && have >= bytes;
            if (reuse && !from.plan.transpose(b.id()).equals(plan.transpose(b.id()))) {
                buffers.put(b.id(), relaid(from, b, bytes));
                allocated.put(b.id(), bytes);
                continue;
            }
            buffers.put(b.id(), reuse ? from.buffers.get(b.id()) : dev.alloc(bytes));
            allocated.put(b.id(), reuse ? have : bytes);
        }
        zeroCounters();
        this.xStaging = from.xStaging;
    }

    /**
     * A weight of {@code from} in this plan's layout, in a buffer of its own: read, laid out, written. Layouts depend on
     * the main loop and the spec alone, so one of the two plans holds the user's layout and one move does it.
     */
    private DeviceSession.Buffer relaid(PlanLayer from, PlannedBuffer b, long bytes) {
        DeviceSession.Buffer out = dev.alloc(bytes);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment was = a.allocate(bytes, 8), now = a.allocate(bytes, 8);
            dev.read(from.buffers.get(b.id()), was);
            var mine = plan.transpose(b.id());
            if (mine.isPresent()) mine.get().apply(was, now, b.dtype().bytes());
            else from.plan.transpose(b.id()).orElseThrow().undo(was, now, b.dtype().bytes());
            dev.write(out, now);
        }
        return out;
    }

    private static long bytes(KernelPlan plan, PlannedBuffer b, int maxTokens) {
        return Math.multiplyExact(plan.capacityElements(b.id(), maxTokens), (long) b.dtype().bytes());
    }

    public KernelPlan plan() {
        return plan;
    }

    /**
     * Keys the gating's random stream (Philox4x32-10: ε of noisy gating, GShard's second-expert coin) for the next
     * forwards: the same seed and tokens draw the same numbers; a training loop passes a new seed each step. Layers
     * whose routing draws nothing ignore it.
     */
    public PlanLayer seed(int seed) {
        this.seed = seed;
        return this;
    }

    public DeviceSession session() {
        return dev;
    }

    /** Uploads the named weights (w_router, w13, w2 and the biases the plan has). */
    public void setWeights(Map<String, float[]> weights) {
        for (PlannedBuffer b : plan.buffers()) {
            if (b.role() != BufferId.Role.WEIGHT) continue;
            float[] v = weights.get(b.name());
            if (v == null) throw new IllegalArgumentException("missing weight '" + b.name() + "'");
            upload(b, v, plan.elements(b.id(), maxTokens));
        }
    }

    /** Lets {@code filler} write a weight on the device (buffer, element count), e.g. a random-fill kernel for benchmarks. */
    public void fillWeight(BufferId id, java.util.function.BiConsumer<DeviceSession.Buffer, Long> filler) {
        plan.buffer(id);
        filler.accept(buffers.get(id), plan.elements(id, maxTokens));
    }

    /** Counter buffers start at zero; the kernels leave them so (whoever completes a count takes it back). */
    private void zeroCounters() {
        for (PlannedBuffer b : plan.buffers())
            if (b.role() == BufferId.Role.COUNTER) dev.fill(buffers.get(b.id()), (byte) 0, allocated.get(b.id()));
    }

    /** Uploads one weight. */
    public void setWeight(BufferId id, float[] v) {
        upload(plan.buffer(id), v, plan.elements(id, maxTokens));
    }

    /** Poisons every output, launches (the load statistics too) and reads every output back: what verification needs. */
    public LayerRun run(float[] x, int tokens) {
        checkTokens(tokens);
        for (PlannedBuffer b : plan.buffers())
            if (b.role() == BufferId.Role.OUTPUT || b.role() == BufferId.Role.SCRATCH)
                dev.fill(buffers.get(b.id()), (byte) 0xFF, plan.capacityElements(b.id(), maxTokens) * b.dtype().bytes());
        zeroCounters(); // a failed or interrupted launch may have left counts behind
        Map<KernelRole, Long> nanos = launch(x, tokens, true);
        return readBack(tokens, nanos);
    }

    /** y[tokens][H] for x: launches and reads back y alone (what a model's forward pass needs). */
    public float[] forward(float[] x, int tokens) {
        forwardOnDevice(x, tokens);
        try (Arena a = Arena.ofConfined()) {
            return readFloats(a, BufferId.Y, tokens);
        }
    }

    /**
     * A forward that leaves y on the device: uploads x, enqueues the kernels as one replayable sequence (a CUDA graph
     * where the session records them: one launch per forward), waits once. No device times.
     */
    public void forwardOnDevice(float[] x, int tokens) {
        checkTokens(tokens);
        stage(x, tokens);
        dev.enqueueReplayable(java.util.List.of(replayKey, tokens, seed), () -> enqueueKernels(tokens, false));
        dev.finish();
    }

    /**
     * Uploads x and enqueues every kernel on the session's one in-order queue, then waits once: no host
     * synchronisation between kernels. Returns device ns per kernel; reads nothing back.
     */
    public Map<KernelRole, Long> launch(float[] x, int tokens) {
        return launch(x, tokens, false);
    }

    /**
     * The load statistics of the last forward of {@code tokens} tokens (expert counts, mean probabilities, Switch
     * auxiliary loss, z-loss, dropped assignments, and the correction-bias update): one more launch on the buffers the
     * forward left, for training loops and monitoring. Returns [expert_load as floats (E counts, dropped), load_stats (E
     * probabilities, aux loss, z-loss), updated_bias (E, or empty)].
     */
    public float[][] loadStats(int tokens) {
        checkTokens(tokens);
        PlannedKernel k = plan.kernel(KernelRole.LOAD_STATS);
        dev.enqueue(kernels.get(k.role()), k.name(), args(k, tokens), plan.launch(k, tokens));
        dev.finish();
        try (Arena a = Arena.ofConfined()) {
            int[] load = readInts(a, BufferId.EXPERT_LOAD, tokens);
            float[] counts = new float[load.length];
            for (int i = 0; i < load.length; i++) counts[i] = load[i];
            float[] bias = plan.spec().routing().correctionBias() ? readFloats(a, BufferId.UPDATED_BIAS, tokens) : new float[0];
            return new float[][] {counts, readFloats(a, BufferId.LOAD_STATS, tokens), bias};
        }
    }

    private Map<KernelRole, Long> launch(float[] x, int tokens, boolean stats) {
        checkTokens(tokens);
        stage(x, tokens);
        Map<KernelRole, Pending> pending = enqueueKernels(tokens, stats);
        dev.finish();
        Map<KernelRole, Long> nanos = new LinkedHashMap<>();
        pending.forEach((role, p) -> nanos.put(role, p.nanos()));
        return nanos;
    }

    /** Enqueues the forward's kernels for {@code tokens} (with the load statistics where {@code stats}), in plan order. */
    private Map<KernelRole, Pending> enqueueKernels(int tokens, boolean stats) {
        Map<KernelRole, Pending> pending = new LinkedHashMap<>();
        for (PlannedKernel k : plan.kernelsFor(tokens, stats))
            pending.put(k.role(), dev.enqueue(kernels.get(k.role()), k.name(), args(k, tokens), plan.launch(k, tokens)));
        return pending;
    }

    /** Enqueues the upload of x; x is staged in memory this layer owns, so the copy needs no wait: it stays valid until finish(). */
    private void stage(float[] x, int tokens) {
        PlannedBuffer xb = plan.buffer(BufferId.X);
        long n = plan.elements(BufferId.X, tokens);
        checkLength(xb, x, n);
        MemorySegment staged = xStaging.asSlice(0, n * xb.dtype().bytes());
        HostCodec.encodeInto(staged, xb.dtype(), x);
        dev.enqueueWrite(buffers.get(BufferId.X), staged);
    }

    private List<Object> args(PlannedKernel k, int tokens) {
        List<Object> args = new ArrayList<>();
        for (KernelArg a : k.args()) {
            args.add(switch (a) {
                case KernelArg.Buffer b -> buffers.get(b.buffer());
                // encoded once per weight buffer: the map holds the buffer's address, which never changes for this layer
                case KernelArg.TensorMap m -> tensorMaps.computeIfAbsent(m.weight(), w -> dev.tensorMap(buffers.get(w), plan.tensorMap(w).orElseThrow()));
                case KernelArg.Scalar sc -> switch (sc.scalar()) {
                    case TOKENS -> tokens;
                    case CAPACITY -> plan.capacity(tokens);
                    case SPLITS -> plan.params().splits(tokens);
                    case SEED -> seed;
                    case CHOSEN -> plan.chosen(tokens);
                };
            });
        }
        return args;
    }

    /** The outputs of the last {@link #launch} for {@code tokens} tokens. */
    public LayerRun readBack(int tokens, Map<KernelRole, Long> nanos) {
        Map<BufferId, float[]> floats = new LinkedHashMap<>();
        Map<BufferId, int[]> ints = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            for (PlannedBuffer b : plan.buffers()) {
                if (b.role() != BufferId.Role.OUTPUT) continue;
                if (b.dtype() == DType.INT32) ints.put(b.id(), readInts(a, b.id(), tokens));
                else floats.put(b.id(), readFloats(a, b.id(), tokens));
            }
        }
        int splits = plan.params().splits(tokens);
        if (splits > 1) floats.put(BufferId.EXPERT_OUT, sumSlices(floats.get(BufferId.EXPERT_OUT), splits));
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
    /** Output {@code id} of the last launch for {@code tokens} tokens, decoded from its dtype. */
    private float[] readFloats(Arena a, BufferId id, int tokens) {
        PlannedBuffer b = plan.buffer(id);
        int n = Math.toIntExact(plan.elements(id, tokens));
        return HostCodec.decode(read(a, b, n), b.dtype(), n);
    }

    private int[] readInts(Arena a, BufferId id, int tokens) {
        int n = Math.toIntExact(plan.elements(id, tokens));
        return HostCodec.decodeInts(read(a, plan.buffer(id), n), n);
    }

    private MemorySegment read(Arena a, PlannedBuffer b, int n) {
        MemorySegment host = a.allocate(Math.max(1, (long) n * b.dtype().bytes()), 8);
        dev.read(buffers.get(b.id()), host);
        return host;
    }

    private void checkTokens(int tokens) {
        if (tokens < 1 || tokens > maxTokens) throw new IllegalArgumentException("tokens = " + tokens + ": must be in [1, " + maxTokens + "]");
    }

    private static void checkLength(PlannedBuffer b, float[] v, long expected) {
        if (v.length != expected)
            throw new IllegalArgumentException(b.name() + " has " + v.length + " elements, the plan needs " + expected);
    }

    /** Writes a weight in the device layout the plan asks for (k-major for the tiled loop: {@link KernelPlan#transpose}). */
    private void upload(PlannedBuffer b, float[] v, long expected) {
        checkLength(b, v, expected);
        float[] laid = plan.transpose(b.id()).map(t -> t.apply(v)).orElse(v);
        try (Arena a = Arena.ofConfined()) {
            dev.write(buffers.get(b.id()), HostCodec.encode(a, b.dtype(), laid));
        }
    }
}

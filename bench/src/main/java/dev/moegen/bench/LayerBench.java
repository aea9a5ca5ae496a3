package dev.moegen.bench;

import dev.moegen.bench.peer.PeerKind;
import dev.moegen.bench.peer.PythonPeer;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.harness.dump.Dumps;
import dev.moegen.harness.measure.Timing;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.plan.PlannedBuffer;
import dev.moegen.harness.measure.CacheFlush;
import dev.moegen.harness.measure.Floors;
import dev.moegen.harness.measure.LayerTimer;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.LayerRun;
import dev.moegen.runtime.exec.PlanLayer;
import java.util.*;

/**
 * Times a layer's kernels with the harness's protocol ({@link LayerTimer}: warm-up, then the median of
 * {@code reps} runs with spread, the last-level cache flushed before each run). Each figure is set against the floor
 * max(bytes / measured bandwidth, FLOPs / measured FMA peak) measured on the same device in the
 * same run. Expert weights are pseudo-random, generated on the device (never constant or zero:
 * those can time faster than real data); router weights and activations are random, so routing
 * spreads over experts as in real use.
 */
public final class LayerBench {
    private LayerBench() {}

    /**
     * One token count. {@code gemmWeightBandwidth}: touched expert weight bytes over the two GroupGEMMs' time, as a
     * fraction of the copy bandwidth (what decode should approach); {@code gemmComputeFraction}: their useful FLOPs
     * over their time, as a fraction of the compute peak they run on (what prefill should approach).
     */
    public record Row(int tokens, int expertsTouched, double totalMs, Map<String, Double> kernelMs, double bytes, double flops,
                      double floorMs, double floorFraction, String bound, double gemmWeightBandwidth, double gemmComputeFraction,
                      double minMs, double maxMs, double wallMs, List<PeerRow> peers, Map<String, Object> params) {}

    /**
     * A peer's figures at one token count, timed alternately with moegen's runs: its median forward (its own clock)
     * with spread, and its output's relative error against the reference on the same inputs (checked before timing).
     */
    public record PeerRow(String peer, double medianMs, double minMs, double maxMs, double relError) {}

    public record Report(String device, String backend, String layer, String dtype, String date, Map<String, Object> params, Floors floors,
                         List<String> floorShortfalls, List<Row> rows) {}

    /**
     * How to run: timed repetitions, bytes copied for the bandwidth floor, bytes touched to flush caches, the seed;
     * {@code peers}: time these alongside, each run alternating with moegen's (the host weights then come from the
     * seed, not from the device); with NumPy among them, NumPy's sgemm and copy are independent floors;
     * {@code nativeBlas}: let the NumPy peer's OpenBLAS pick this processor's kernels ({@link PythonPeer#start}).
     */
    public record Options(int reps, long floorBytes, long flushBytes, long seed, List<PeerKind> peers, boolean nativeBlas) {
        public Options {
            peers = List.copyOf(peers);
        }
    }

    /** Benchmarks the session target's default plan, without peers. */
    public static Report run(DeviceSession s, MoeLayerSpec spec, int[] tokens, int reps, long floorBytes, long flushBytes, long seed) throws IOException {
        return run(s, Lowering.lower(spec, s.target()), tokens, new Options(reps, floorBytes, flushBytes, seed, List.of(), false), f -> {}, r -> {});
    }

    /** As it goes, {@code onFloors} gets the floors once measured and {@code onRow} each token count's row. */
    public static Report run(DeviceSession s, KernelPlan plan, int[] tokens, Options o,
                             java.util.function.Consumer<Floors> onFloors, java.util.function.Consumer<Row> onRow) throws IOException {
        return run(s, t -> plan, tokens, o, onFloors, onRow);
    }

    /**
     * Each token count with its own plan ({@code planFor}: a tuned database gives each bucket its parameters); plans
     * share the buffers and weights of the largest count's.
     */
    public static Report run(DeviceSession s, java.util.function.IntFunction<KernelPlan> planFor, int[] tokens, Options o,
                             java.util.function.Consumer<Floors> onFloors, java.util.function.Consumer<Row> onRow) throws IOException {
        int maxT = Arrays.stream(tokens).max().orElseThrow();
        KernelPlan basePlan = planFor.apply(maxT);
        MoeLayerSpec spec = basePlan.spec();
        int reps = o.reps();
        Floors floors = Floors.measure(s, o.floorBytes(), reps);
        if (o.peers().contains(PeerKind.NUMPY)) {
            double[] np = PythonPeer.floors(o.nativeBlas());
            floors = floors.withIndependent("numpy", np[1], np[0]);
        }
        onFloors.accept(floors);
        PlanLayer baseLayer = new PlanLayer(s, basePlan, maxT);
        SplittableRandom rnd = new SplittableRandom(o.seed());
        LayerInputs hostWeights = o.peers().isEmpty() ? null : LayerInputs.random(spec, 1, o.seed());
        if (hostWeights != null) baseLayer.setWeights(hostWeights.weights()); // the peer reads the same weights from a dump
        else fillOnDevice(s, baseLayer, basePlan, rnd, maxT);
        Map<dev.moegen.codegen.params.KernelParams, PlanLayer> layers = new HashMap<>(Map.of(basePlan.params(), baseLayer));
        CacheFlush flush = new CacheFlush(s, o.flushBytes());
        List<Row> rows = new ArrayList<>();
        for (int t : tokens) {
            KernelPlan plan = planFor.apply(t);
            PlanLayer layer = layers.computeIfAbsent(plan.params(), k -> new PlanLayer(baseLayer, plan));
            LayerInputs in = hostWeights == null ? null : LayerInputs.random(spec, t, o.seed() + t).withWeightsOf(hostWeights);
            float[] x = in != null ? in.x() : random(rnd, Math.multiplyExact(t, spec.hidden()), 1.0);
            List<PeerRow> peers = new ArrayList<>();
            Timing.Stats wall = LayerTimer.wall(layer, x, t, reps); // before any peer has run
            LayerTimer.Result timed;
            if (in == null) timed = LayerTimer.time(layer, x, t, 2, reps, flush);
            else {
                Path dump = Files.createTempDirectory("moegen-bench-peer");
                try {
                    Dumps.of(spec, in, Reference.forward(in, plan.params().blockM()), o.seed() + t, plan.params().blockM()).writeInto(dump);
                    List<PeerKind> kinds = o.peers();
                    PythonPeer[] started = new PythonPeer[kinds.size()];
                    String[] notRun = new String[kinds.size()];
                    try {
                        for (int i = 0; i < kinds.size(); i++)
                            try {
                                started[i] = PythonPeer.start(kinds.get(i), dump, o.nativeBlas());
                                for (int w = 0; w < 2; w++) started[i].runOnceMs();
                            } catch (IOException e) { // a peer that cannot compute this layer leaves its columns empty, said in the name
                                notRun[i] = e.getMessage();
                            }
                        long[][] peerNs = new long[kinds.size()][reps];
                        int[] at = {0};
                        timed = LayerTimer.time(layer, x, t, 2, reps, flush, () -> { // each rep: moegen, then every peer once
                            for (int i = 0; i < started.length; i++) if (started[i] != null) peerNs[i][at[0]] = Math.round(started[i].runOnceMs() * 1e6);
                            at[0]++;
                        });
                        for (int i = 0; i < kinds.size(); i++) {
                            if (started[i] == null) {
                                peers.add(new PeerRow(kinds.get(i).label() + " (not run: " + notRun[i] + ")", Double.NaN, Double.NaN, Double.NaN, Double.NaN));
                                continue;
                            }
                            Timing.Stats ps = Timing.Stats.of(peerNs[i]);
                            String name = started[i].name() + (kinds.get(i) == PeerKind.NUMPY && !o.nativeBlas() ? " (machine's OPENBLAS_CORETYPE)" : "");
                            peers.add(new PeerRow(name, ps.medianMs(), ps.min() / 1e6, ps.max() / 1e6, started[i].relError()));
                        }
                    } finally {
                        for (PythonPeer peer : started) if (peer != null) peer.close();
                    }
                } finally {
                    AtomicFiles.deleteTree(dump);
                }
            }
            LayerRun last = timed.last();
            // the wall figure timed forward()'s path (recorded and replayed where the backend records): its y must be the timed run's
            if (!Arrays.equals(layer.forward(x, t), last.f(BufferId.Y)))
                throw new IllegalStateException("T=" + t + ": forward() and the timed run of the same input give different y (" + s.describe() + ")");
            int touched = touched(last, plan);
            double bytes = bytes(plan, t, touched, last.i(BufferId.NUM_TOKENS_POST_PADDED)[0]);
            int computed = computed(last);
            double flops = flops(plan, t, computed);
            double totalMs = timed.total().medianMs();
            boolean tc = plan.params().gemm().tensorCores();
            double floorMs = floors.floorSeconds(bytes, flops, tc) * 1e3;
            Map<String, Double> kms = new LinkedHashMap<>();
            timed.perKernel().forEach((k, v) -> kms.put(k.entry(), v.medianMs()));
            String bound = bytes / floors.bandwidthBytesPerSec() >= flops / floors.computePeak(tc) ? "memory" : "compute";
            double gemmS = (timed.kernelMs(KernelRole.GROUP_GEMM_1) + timed.kernelMs(KernelRole.GROUP_GEMM_2)) / 1e3;
            rows.add(new Row(t, touched, totalMs, kms, bytes, flops, floorMs, floorMs / totalMs, bound,
                    weightBytes(plan, touched) / gemmS / floors.bandwidthBytesPerSec(), gemmFlops(plan, computed) / gemmS / floors.computePeak(tc),
                    timed.total().min() / 1e6, timed.total().max() / 1e6, wall.medianMs(), peers, plan.params().byKey()));
            onRow.accept(rows.get(rows.size() - 1));
        }
        return new Report(s.describe(), s.backend().id(), spec.name(), spec.dtype().id(), java.time.LocalDate.now().toString(), basePlan.params().byKey(), floors,
                floors.shortfalls(), rows);
    }

    /** Pseudo-random weights generated on the device: full-size layers need no host copy of them. */
    private static void fillOnDevice(DeviceSession s, PlanLayer layer, KernelPlan plan, SplittableRandom rnd, int maxT) {
        MoeLayerSpec spec = plan.spec();
        for (PlannedBuffer b : plan.buffers()) {
            if (b.role() != BufferId.Role.WEIGHT || b.id() == BufferId.W13 || b.id() == BufferId.W2) continue;
            layer.setWeight(b.id(), random(rnd, (int) plan.elements(b.id(), maxT), 1.0 / Math.sqrt(spec.hidden())));
        }
        var fill = s.load(SourceEmitter.emitBench(s.target(), Floors.GROUPS, Floors.WG, spec.dtype()), List.of("moe_bench_fill_random"))
                .get("moe_bench_fill_random");
        layer.fillWeight(BufferId.W13, (buf, n) -> s.launch(fill, "moe_bench_fill_random", List.of(buf, n, 1, (float) (1 / Math.sqrt(spec.hidden()))), Floors.grid()));
        layer.fillWeight(BufferId.W2, (buf, n) -> s.launch(fill, "moe_bench_fill_random", List.of(buf, n, 2, (float) (1 / Math.sqrt(spec.intermediate()))), Floors.grid()));
    }

    /** Distinct experts that received at least one row (from the device's expert id per block). */
    static int touched(LayerRun run, KernelPlan plan) {
        int blocks = run.i(BufferId.NUM_TOKENS_POST_PADDED)[0] / plan.params().blockM();
        Set<Integer> e = new HashSet<>();
        for (int b = 0; b < blocks; b++) e.add(run.i(BufferId.EXPERT_IDS)[b]);
        return e.size();
    }

    /** Elements of the layer's router and expert weights (with shared slices; biases are negligible). */
    public static long weightElements(MoeLayerSpec s) {
        var g = dev.moegen.dsl.graph.LayerGraph.of(s);
        long n = 0;
        for (String w : List.of(LayerInputs.W_ROUTER, LayerInputs.W13, LayerInputs.W2)) n = Math.addExact(n, g.tensor(w).shape().elements(1));
        return n;
    }

    /** Bytes of the touched experts' w13 and w2. */
    static double weightBytes(KernelPlan plan, int touched) {
        MoeLayerSpec s = plan.spec();
        double h = s.hidden(), i = s.intermediate(), n1 = s.activation().gemm1Width(s.intermediate());
        return touched * (n1 * h + h * i) * s.dtype().bytes();
    }

    /** Useful FLOPs of the two GroupGEMMs (real rows only). */
    /** Expert GEMM FLOPs over the {@code rows} assignments computed (what the permutation kept, padding excluded). */
    static double gemmFlops(KernelPlan plan, long rows) {
        MoeLayerSpec s = plan.spec();
        double h = s.hidden(), i = s.intermediate(), n1 = s.activation().gemm1Width(s.intermediate());
        return 2.0 * rows * (n1 * h + h * i);
    }

    /**
     * Assignments a run computed: slots with a sorted position. Not T·slots: capacity drops, GShard's undispatched picks
     * and expert choice's unchosen slots cost nothing, so counting them would flatter the floor.
     */
    static int computed(LayerRun run) {
        int n = 0;
        for (int p : run.i(BufferId.SLOT_POSITION)) if (p >= 0) n++;
        return n;
    }

    /** Bytes that must cross memory at least once: touched expert weights, activations, router, intermediates written and read. */
    static double bytes(KernelPlan plan, int t, int touched, int padded) {
        MoeLayerSpec s = plan.spec();
        double a = s.dtype().bytes(), h = s.hidden(), i = s.intermediate();
        double weights = weightBytes(plan, touched);
        double router = plan.routerRows() * h * a;
        double acts = 2.0 * t * h * a;
        double inter = 2.0 * padded * i * a + 2.0 * padded * h * 4;
        return weights + router + acts + inter;
    }

    /** Useful FLOPs: router GEMM plus both expert GEMMs over the {@code computed} assignments (unpadded rows). */
    static double flops(KernelPlan plan, int t, long computed) {
        MoeLayerSpec s = plan.spec();
        return 2.0 * t * plan.routerRows() * s.hidden() + gemmFlops(plan, computed);
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return v;
    }
}

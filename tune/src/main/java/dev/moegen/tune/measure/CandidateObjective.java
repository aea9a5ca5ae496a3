package dev.moegen.tune.measure;

import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Objective;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerVerifier;
import dev.moegen.harness.measure.CacheFlush;
import dev.moegen.harness.measure.LayerTimer;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.tune.space.GemmSpace;
import dev.moegen.verify.reference.LayerInputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a GroupGEMM candidate of one layer at one token bucket on a device session: lowers the plan, compiles it
 * (a compile error is recorded as such), runs every kernel and checks each against the reference exactly as
 * {@code moegen verify} does (a candidate that is wrong anywhere is recorded with the failing check and never timed),
 * then times the whole layer with the harness's protocol (warm-up, median of reps, caches flushed before each run,
 * device events). The time is the layer's: block_m also sets the permutation's padding, which the other kernels pay.
 */
public final class CandidateObjective {
    private final DeviceSession session;
    private final LayerInputs inputs;
    private final int reps;
    private final CacheFlush flush;
    private PlanLayer base;
    /** Candidates that passed, by parameters: {@link #confirm} times them again. */
    private final Map<KernelParams, PlanLayer> layers = new java.util.HashMap<>();

    public CandidateObjective(DeviceSession session, LayerInputs inputs, int reps, CacheFlush flush) {
        this.session = session;
        this.inputs = inputs;
        this.reps = reps;
        this.flush = flush;
    }

    /** The points of {@code space} as an objective (several spaces, e.g. the two phases, share one session's buffers and passed candidates). */
    public Objective over(GemmSpace space) {
        return new Objective() {
            @Override
            public Evaluation evaluate(int i) {
                return measure(space.point(i), space.space().key(i));
            }

            @Override
            public void prepare(List<Integer> upcoming) {
                List<dev.moegen.codegen.emit.GeneratedSource> sources = new ArrayList<>();
                for (int i : upcoming) sources.add(SourceEmitter.emit(Lowering.lower(inputs.spec(), session.target(), space.point(i)), session.backend()));
                session.prepare(sources);
            }
        };
    }

    /** Compiles, verifies and times {@code params} (any point, e.g. the heuristic's outside a shard). */
    public Evaluation measure(KernelParams params, String key) {
        PlanLayer layer;
        try {
            KernelPlan plan = Lowering.lower(inputs.spec(), session.target(), params);
            layer = base == null ? new PlanLayer(session, plan, inputs.tokens()) : new PlanLayer(base, plan);
        } catch (RuntimeException e) {
            return Evaluation.failed(key, Evaluation.Status.COMPILE_ERROR, firstLine(e));
        }
        try {
            if (base == null) {
                layer.setWeights(inputs.weights());
                base = layer;
            }
            LayerVerifier.Outcome o = LayerVerifier.verify(layer, inputs);
            if (!o.pass()) {
                CheckRow bad = o.rows().stream().filter(r -> !r.pass()).findFirst().orElseThrow();
                return Evaluation.failed(key, Evaluation.Status.WRONG, bad.kernel() + ": " + bad.detail());
            }
            layers.put(params, layer);
            LayerTimer.Result t = LayerTimer.time(layer, inputs.x(), inputs.tokens(), 2, reps, flush);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("gemm1_ms", t.kernelMs(KernelRole.GROUP_GEMM_1));
            m.put("gemm2_ms", t.kernelMs(KernelRole.GROUP_GEMM_2));
            m.put("min_ms", t.total().min() / 1e6);
            m.put("max_ms", t.total().max() / 1e6);
            return Evaluation.ok(key, t.total().median() / 1e9, m);
        } catch (RuntimeException e) {
            return Evaluation.failed(key, Evaluation.Status.RUNTIME_ERROR, firstLine(e));
        }
    }

    /** Whether {@code p} was measured and passed in this session (so {@link #confirm} can time it). */
    public boolean hasPassed(KernelParams p) {
        return layers.containsKey(p);
    }

    /**
     * Times two verified candidates again, alternately, {@code rounds} times each with the same protocol, so their
     * ratio is measured under the same machine state: the median of each one's per-round medians, in ms.
     */
    public double[] confirm(KernelParams a, KernelParams b, int rounds) {
        PlanLayer la = layers.get(a), lb = layers.get(b);
        if (la == null || lb == null) throw new IllegalArgumentException("only candidates that passed can be confirmed");
        long[] ta = new long[rounds], tb = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            ta[r] = LayerTimer.time(la, inputs.x(), inputs.tokens(), 1, reps, flush).total().median();
            tb[r] = LayerTimer.time(lb, inputs.x(), inputs.tokens(), 1, reps, flush).total().median();
        }
        return new double[] {dev.moegen.harness.measure.Timing.median(ta) / 1e6, dev.moegen.harness.measure.Timing.median(tb) / 1e6};
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}

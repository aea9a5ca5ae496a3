package dev.moegen.dsl.graph;

import static dev.moegen.dsl.types.Dim.tokens;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.layer.Routing;
import dev.moegen.dsl.layer.Scoring;
import dev.moegen.dsl.ops.*;
import dev.moegen.dsl.types.DType;
import dev.moegen.dsl.types.Shape;
import dev.moegen.dsl.types.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/** The op graph of a whole layer spec: the single description every backend lowers from. */
public final class LayerGraph {
    private LayerGraph() {}

    public static OpGraph of(MoeLayerSpec s) {
        int e = s.experts(), h = s.hidden(), k = s.topK();
        int slots = s.slotsPerToken(), allExperts = s.totalExperts();
        long i = s.intermediate();
        Routing r = s.routing();
        DType act = s.dtype();
        OpGraph.Builder g = OpGraph.builder()
                .input(t("x", act, tokens(), dim(h)))
                .input(t("w_router", act, dim(routerRows(s)), dim(h)))
                .input(t("w13", act, dim(allExperts), dim(s.activation().gemm1Width(i)), dim(h)))
                .input(t("w2", act, dim(allExperts), dim(h), dim(i)));
        if (r.routerBias()) g.input(t("b_router", DType.FP32, dim(e)));
        if (r.correctionBias()) g.input(t("e_score_correction_bias", DType.FP32, dim(e)));
        if (s.expertBias()) {
            g.input(t("b13", DType.FP32, dim(allExperts), dim(s.activation().gemm1Width(i))));
            g.input(t("b2", DType.FP32, dim(allExperts), dim(h)));
        }

        List<String> routerIn = new ArrayList<>(List.of("x", "w_router"));
        if (r.routerBias()) routerIn.add("b_router");
        g.op("router_gemm", new RouterGemm(h, routerRows(s), r.routerBias()), routerIn,
                List.of(t("logits", DType.FP32, tokens(), dim(routerRows(s)))));
        String gate = "logits";
        if (r.noisyGating()) {
            g.op("noise", new NoisyLogits(e, noiseRow(s)), List.of("logits"), List.of(t("noisy_logits", DType.FP32, tokens(), dim(e))));
            gate = "noisy_logits";
        }
        Op scoring = r.scoring() == Scoring.SOFTMAX ? new Softmax(e) : new Sigmoid(e);
        g.op("scoring", scoring, List.of(gate), List.of(t("scores", DType.FP32, tokens(), dim(e))));
        String selection = "scores";
        if (r.correctionBias()) {
            g.op("correction_bias", new CorrectionBias(e), List.of("scores", "e_score_correction_bias"),
                    List.of(t("selection_scores", DType.FP32, tokens(), dim(e))));
            selection = "selection_scores";
        }
        int routedSlots = s.routedSlots();
        Op select = r.expertChoice() ? new ExpertChoice(e, k, s.capacityFactor(), s.expertCapacity())
                : r.grouped() ? new GroupedTopK(k, e, r.nGroup(), r.topkGroup(), r.groupScore()) : new TopK(k, e);
        g.op("select", select, List.of(selection, "scores"),
                List.of(t("topk_ids", DType.INT32, tokens(), dim(routedSlots)), t("topk_weights_raw", DType.FP32, tokens(), dim(routedSlots))));
        String w = "topk_weights_raw";
        if (r.renormalize()) {
            g.op("renormalize", new Renormalize(k, r.renormalizeP()), List.of(w), List.of(t("topk_weights_norm", DType.FP32, tokens(), dim(k))));
            w = "topk_weights_norm";
        }
        String ids = "topk_ids";
        if (r.secondExpertPolicy() == dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM) {
            g.op("second_expert", new RandomSecondExpert(), List.of(ids, w), List.of(t("dispatched_ids", DType.INT32, tokens(), dim(k))));
            ids = "dispatched_ids";
        }
        String routed = ids; // what the router asked for, before shared slots and the capacity limit
        if (r.routedScalingFactor() != 1.0) {
            g.op("routed_scaling", new RoutedScaling(r.routedScalingFactor()), List.of(w),
                    List.of(t("topk_weights_scaled", DType.FP32, tokens(), dim(routedSlots))));
            w = "topk_weights_scaled";
        }
        if (s.sharedSlices() > 0) {
            g.op("shared_slots", new SharedExpertSlots(e, s.sharedSlices(), s.shared().gated()), List.of(ids, w, "logits"),
                    List.of(t("slot_ids", DType.INT32, tokens(), dim(slots)), t("slot_weights", DType.FP32, tokens(), dim(slots))));
            ids = "slot_ids";
            w = "slot_weights";
        }
        if (!s.dropless() && !r.expertChoice()) { // expert choice takes exactly C tokens per expert itself
            g.op("capacity", new CapacityLimit(s.capacityFactor(), s.expertCapacity(), s.sequenceLength(), e, k), List.of(ids),
                    List.of(t("kept_ids", DType.INT32, tokens(), dim(slots))));
            ids = "kept_ids";
        }
        g.op("permute", new Permutation(allExperts, slots), List.of(ids), List.of(
                t("sorted_token_ids", DType.INT32, tokens(slots)),
                t("expert_ids", DType.INT32, tokens(slots)),
                t("num_tokens_post_padded", DType.INT32, dim(1)),
                t("slot_position", DType.INT32, tokens(slots)),
                t("expert_kept", DType.INT32, dim(allExperts))));
        List<String> statsIn = new ArrayList<>(List.of("logits", routed, "expert_kept"));
        List<TensorSpec> statsOut = new ArrayList<>(List.of(t("expert_load", DType.INT32, dim(e + 1)), t("load_stats", DType.FP32, dim(e + 2))));
        if (r.correctionBias()) {
            statsIn.add("e_score_correction_bias");
            statsOut.add(t("updated_bias", DType.FP32, dim(e)));
        }
        g.op("load_stats", new LoadStatistics(e, k, r.correctionBias(), r.biasUpdateSpeed()), statsIn, statsOut);
        List<String> g1In = new ArrayList<>(List.of("x", "w13", "sorted_token_ids", "expert_ids"));
        if (s.expertBias()) g1In.add("b13");
        g.op("group_gemm_1", new GroupGemm("gate_up", allExperts, s.activation().gemm1Width(i), h, true, s.expertBias(),
                        new Epilogue.Activate(s.activation())), g1In,
                List.of(t("inter", act, tokens(slots), dim(i))));
        List<String> g2In = new ArrayList<>(List.of("inter", "w2", "sorted_token_ids", "expert_ids", w));
        if (s.expertBias()) g2In.add("b2");
        g.op("group_gemm_2", new GroupGemm("down", allExperts, h, i, false, s.expertBias(), new Epilogue.ScaleByRoutingWeight()),
                g2In, List.of(t("expert_out", DType.FP32, tokens(slots), dim(h))));
        g.op("combine", new Combine(slots, h), List.of("expert_out", "slot_position"), List.of(t("y", act, tokens(), dim(h))));
        return g.output("y").build();
    }

    /** Router rows: E, plus one for the shared-expert gate when the shared experts are gated. */
    /** Router GEMM rows: E expert logits, a gated shared expert's gate, then E noise logits with noisy gating. */
    public static int routerRows(MoeLayerSpec s) {
        return noiseRow(s) + (s.routing() != null && s.routing().noisyGating() ? s.experts() : 0);
    }

    /** The first noise row of the router (W_noise follows W_g and the shared gate's row). */
    public static int noiseRow(MoeLayerSpec s) {
        return s.experts() + (s.shared() != null && s.shared().present() && s.shared().gated() ? 1 : 0);
    }

    private static dev.moegen.dsl.types.Dim dim(long size) {
        return dev.moegen.dsl.types.Dim.of(size);
    }

    private static TensorSpec t(String name, DType d, dev.moegen.dsl.types.Dim... dims) {
        return new TensorSpec(name, d, Shape.of(dims));
    }
}

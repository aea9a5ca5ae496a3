package dev.moegen.codegen.plan;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.graph.OpGraph;
import dev.moegen.dsl.graph.OpNode;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.ops.*;
import dev.moegen.dsl.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Op graph → fused kernels. Fusion rules:
 * <ul>
 *   <li>the router GEMM is its own kernel (a GEMM over all tokens);
 *   <li>every per-token routing op after it (scoring, correction bias, (grouped) top-k, renormalise,
 *       routed scaling, shared-expert slots) fuses into one gating kernel, one work-group per token;
 *   <li>capacity limit + permutation become the three permutation kernels (count, scan, scatter);
 *   <li>each GroupGEMM is one kernel with its epilogue (activation, or bias × routing weight);
 *   <li>combine is one kernel.
 * </ul>
 */
public final class Lowering {
    private Lowering() {}

    /** The portable plan (OpenCL defaults). */
    public static KernelPlan lower(MoeLayerSpec spec) {
        return lower(spec, Target.OPENCL);
    }

    /** The plan with the default parameters for {@code target}. */
    public static KernelPlan lower(MoeLayerSpec spec, Target target) {
        return lower(spec, KernelParams.heuristic(spec, target));
    }

    public static KernelPlan lower(MoeLayerSpec spec, KernelParams params) {
        spec.validated();
        params.validatedFor(spec);
        OpGraph g = LayerGraph.of(spec);
        List<PlannedKernel> kernels = new ArrayList<>();
        List<String> gating = new ArrayList<>();
        List<String> align = new ArrayList<>();
        boolean routerBias = spec.routing().routerBias(), corr = spec.routing().correctionBias(), eb = spec.expertBias();
        for (OpNode n : g.nodes()) {
            switch (n.op()) {
                case RouterGemm r -> kernels.add(new PlannedKernel("moe_router_gemm",
                        args(List.of("x", "w_router"), routerBias ? "b_router" : null, List.of("logits", "T")),
                        Geometry.TOKEN_ROUTER_ROWS, List.of(n.name())));
                case Softmax x -> gating.add(n.name());
                case Sigmoid x -> gating.add(n.name());
                case CorrectionBias x -> gating.add(n.name());
                case TopK x -> gating.add(n.name());
                case GroupedTopK x -> gating.add(n.name());
                case Renormalize x -> gating.add(n.name());
                case RoutedScaling x -> gating.add(n.name());
                case SharedExpertSlots x -> gating.add(n.name());
                case CapacityLimit x -> align.add(n.name());
                case Permutation x -> {
                    flushGating(kernels, gating, corr);
                    align.add(n.name());
                    kernels.add(new PlannedKernel("moe_align_count", List.of("topk_ids", "chunk_counts", "T"), Geometry.ALIGN_CHUNKS, List.copyOf(align)));
                    kernels.add(new PlannedKernel("moe_align_scan", List.of("chunk_counts", "expert_start", "expert_kept", "sorted_token_ids",
                            "expert_ids", "num_tokens_post_padded", "T", "capacity"), Geometry.SINGLE_GROUP, List.copyOf(align)));
                    kernels.add(new PlannedKernel("moe_align_scatter", List.of("topk_ids", "chunk_counts", "expert_start", "sorted_token_ids",
                            "slot_position", "T", "capacity"), Geometry.ALIGN_CHUNKS, List.copyOf(align)));
                }
                case GroupGemm gg when gg.gatherTokens() -> kernels.add(new PlannedKernel("moe_group_gemm_1",
                        args(List.of("x", "w13"), eb ? "b13" : null, List.of("sorted_token_ids", "expert_ids", "num_tokens_post_padded", "inter", "T")),
                        Geometry.GEMM1_TILES, List.of(n.name())));
                case GroupGemm gg -> kernels.add(new PlannedKernel("moe_group_gemm_2",
                        args(List.of("inter", "w2"), eb ? "b2" : null, List.of("topk_weights", "sorted_token_ids", "expert_ids",
                                "num_tokens_post_padded", "expert_out", "T")),
                        Geometry.GEMM2_TILES, List.of(n.name())));
                case Combine c -> kernels.add(new PlannedKernel("moe_combine", List.of("expert_out", "slot_position", "y", "T", PlannedKernel.SPLITS),
                        Geometry.TOKEN_HIDDEN, List.of(n.name())));
            }
        }
        return new KernelPlan(spec, params, kernels, buffers(spec));
    }

    private static void flushGating(List<PlannedKernel> kernels, List<String> gating, boolean corr) {
        List<String> a = new ArrayList<>(List.of("logits"));
        if (corr) a.add("e_score_correction_bias");
        a.addAll(List.of("topk_ids", "topk_weights", "T"));
        kernels.add(new PlannedKernel("moe_gating", a, Geometry.TOKEN_GROUPS, List.copyOf(gating)));
        gating.clear();
    }

    private static List<String> args(List<String> head, String optional, List<String> tail) {
        List<String> a = new ArrayList<>(head);
        if (optional != null) a.add(optional);
        a.addAll(tail);
        return a;
    }

    private static List<PlannedBuffer> buffers(MoeLayerSpec s) {
        DType act = s.dtype();
        List<PlannedBuffer> b = new ArrayList<>();
        b.add(new PlannedBuffer("x", act, "input", "T*H"));
        b.add(new PlannedBuffer("w_router", act, "weight", "R*H"));
        b.add(new PlannedBuffer("w13", act, "weight", "E'*N1*H"));
        b.add(new PlannedBuffer("w2", act, "weight", "E'*H*I"));
        if (s.routing().routerBias()) b.add(new PlannedBuffer("b_router", DType.FP32, "weight", "E"));
        if (s.routing().correctionBias()) b.add(new PlannedBuffer("e_score_correction_bias", DType.FP32, "weight", "E"));
        if (s.expertBias()) {
            b.add(new PlannedBuffer("b13", DType.FP32, "weight", "E'*N1"));
            b.add(new PlannedBuffer("b2", DType.FP32, "weight", "E'*H"));
        }
        b.add(new PlannedBuffer("logits", DType.FP32, "output", "T*R"));
        b.add(new PlannedBuffer("topk_ids", DType.INT32, "output", "T*S"));
        b.add(new PlannedBuffer("topk_weights", DType.FP32, "output", "T*S"));
        b.add(new PlannedBuffer("chunk_counts", DType.INT32, "scratch", "ceil(T*S/ALIGN_CHUNK)*E'"));
        b.add(new PlannedBuffer("expert_start", DType.INT32, "scratch", "E'"));
        b.add(new PlannedBuffer("expert_kept", DType.INT32, "scratch", "E'"));
        b.add(new PlannedBuffer("sorted_token_ids", DType.INT32, "output", "maxPadded"));
        b.add(new PlannedBuffer("expert_ids", DType.INT32, "output", "maxPadded/BLOCK_M"));
        b.add(new PlannedBuffer("num_tokens_post_padded", DType.INT32, "output", "1"));
        b.add(new PlannedBuffer("slot_position", DType.INT32, "output", "T*S"));
        b.add(new PlannedBuffer("inter", act, "output", "maxPadded*I"));
        b.add(new PlannedBuffer("expert_out", DType.FP32, "output", "splits*maxPadded*H"));
        b.add(new PlannedBuffer("y", act, "output", "T*H"));
        return b;
    }
}

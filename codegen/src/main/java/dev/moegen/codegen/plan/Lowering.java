package dev.moegen.codegen.plan;

import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.ParameterSpace;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.graph.OpGraph;
import dev.moegen.dsl.graph.OpNode;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.ops.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Op graph → fused kernels. Fusion rules:
 * <ul>
 *   <li>the router GEMM is its own kernel (a GEMM over all tokens);
 *   <li>every per-token routing op after it (noise, scoring, correction bias, (grouped) top-k, renormalise,
 *       GShard's second-expert coin, routed scaling, shared-expert slots) fuses into one gating kernel, one
 *       work-group per token;
 *   <li>capacity limit + permutation become the three permutation kernels (count, scan, scatter);
 *   <li>each GroupGEMM is one kernel with its epilogue (activation, or bias × routing weight);
 *   <li>combine is one kernel.
 * </ul>
 * Each kernel's arguments are its {@link KernelRole#signature}.
 */
public final class Lowering {
    private Lowering() {}

    /** The plan with the heuristic parameters for {@code target}. */
    public static KernelPlan lower(MoeLayerSpec spec, Target target) {
        spec.validated();
        return lower(spec, target, Heuristic.defaults(spec, target));
    }

    /** The plan with {@code params}, checked against the target's parameter space (every violation named). */
    public static KernelPlan lower(MoeLayerSpec spec, Target target, KernelParams params) {
        spec.validated();
        ParameterSpace.of(spec, target).check(params);
        OpGraph g = LayerGraph.of(spec);
        List<PlannedKernel> kernels = new ArrayList<>();
        List<String> gating = new ArrayList<>();
        List<String> align = new ArrayList<>();
        List<String> choice = new ArrayList<>();
        for (OpNode n : g.nodes()) {
            switch (n.op()) {
                case RouterGemm r -> kernels.add(kernel(spec, params, KernelRole.ROUTER_GEMM, List.of(n.name())));
                case Softmax x -> gating.add(n.name());
                case Sigmoid x -> gating.add(n.name());
                case CorrectionBias x -> gating.add(n.name());
                case TopK x -> gating.add(n.name());
                case GroupedTopK x -> gating.add(n.name());
                case Renormalize x -> gating.add(n.name());
                case RoutedScaling x -> gating.add(n.name());
                case SharedExpertSlots x -> gating.add(n.name());
                case NoisyLogits x -> gating.add(n.name());
                case RandomSecondExpert x -> gating.add(n.name());
                case CapacityLimit x -> align.add(n.name());
                case Permutation x -> {
                    kernels.add(kernel(spec, params, KernelRole.GATING, gating));
                    gating.clear();
                    if (!choice.isEmpty()) kernels.add(kernel(spec, params, KernelRole.EXPERT_CHOICE, choice));
                    align.add(n.name());
                    for (KernelRole r : List.of(KernelRole.ALIGN_COUNT, KernelRole.ALIGN_SCAN, KernelRole.ALIGN_SCATTER, KernelRole.ALIGN_FUSED))
                        kernels.add(kernel(spec, params, r, align));
                }
                case GroupGemm gg when gg.gatherTokens() -> kernels.add(kernel(spec, params, KernelRole.GROUP_GEMM_1, List.of(n.name())));
                case GroupGemm gg -> kernels.add(kernel(spec, params, KernelRole.GROUP_GEMM_2, List.of(n.name())));
                case Combine c -> kernels.add(kernel(spec, params, KernelRole.COMBINE, List.of(n.name())));
                case LoadStatistics x -> kernels.add(kernel(spec, params, KernelRole.LOAD_STATS, List.of(n.name())));
                case ExpertChoice x -> choice.add(n.name()); // its own kernel after the gating: a selection over all tokens
            }
        }
        List<PlannedBuffer> buffers = Arrays.stream(BufferId.values()).filter(b -> b.presentIn(spec, params))
                .map(b -> new PlannedBuffer(b, b.dtype(spec))).toList();
        return new KernelPlan(spec, target, params, kernels, buffers);
    }

    private static PlannedKernel kernel(MoeLayerSpec spec, KernelParams params, KernelRole role, List<String> fuses) {
        return new PlannedKernel(role, role.signature(spec, params), fuses);
    }
}

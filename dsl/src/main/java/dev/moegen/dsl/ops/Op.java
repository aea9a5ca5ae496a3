package dev.moegen.dsl.ops;

/**
 * One step of an MoE layer. Ops carry their static parameters only; tensors flow through the
 * {@link dev.moegen.dsl.graph.OpGraph}. Backends decide how ops fuse.
 */
public sealed interface Op
        permits RouterGemm, Softmax, Sigmoid, CorrectionBias, TopK, GroupedTopK, Renormalize, RoutedScaling,
        SharedExpertSlots, CapacityLimit, NoisyLogits, RandomSecondExpert, LoadStatistics, ExpertChoice, Permutation, GroupGemm, Combine {

    /** Short op kind, for plans and reports. */
    default String kind() {
        return getClass().getSimpleName();
    }
}

package dev.moegen.dsl.ops;

import dev.moegen.dsl.layer.Activation;

/** What a GroupGEMM does to its accumulator before storing it. */
public sealed interface Epilogue {
    /** act(gate)·up for gated activations, act(h) otherwise (GEMM 1). */
    record Activate(Activation activation) implements Epilogue {}

    /** Multiply row (token, slot) by its routing weight (GEMM 2). */
    record ScaleByRoutingWeight() implements Epilogue {}
}

package dev.moegen.tune.db;

import dev.moegen.dsl.layer.MoeLayerSpec;

/**
 * What a GroupGEMM's best parameters depend on in a layer: experts (with shared-expert slices), N = intermediate,
 * K = hidden, top-k (slots per token), dtype, and the activation (a gated GEMM 1 carries gate and up rows).
 */
public record ShapeKey(int experts, int hidden, int intermediate, int topK, String dtype, String activation) {
    public static ShapeKey of(MoeLayerSpec s) {
        return new ShapeKey(s.totalExperts(), s.hidden(), s.intermediate(), s.slotsPerToken(), s.dtype().id(), s.activation().id());
    }

    public String slug() {
        return "E" + experts + "-H" + hidden + "-I" + intermediate + "-K" + topK + "-" + dtype + "-" + activation;
    }

    /** Whether entries of {@code o} can serve this shape at all: same dtype and activation. */
    public boolean compatible(ShapeKey o) {
        return dtype.equals(o.dtype) && activation.equals(o.activation);
    }

    /** Sum of |log ratio| over experts, hidden, intermediate and top-k: 0 for the same shape. */
    public double distance(ShapeKey o) {
        return Math.abs(Math.log((double) experts / o.experts)) + Math.abs(Math.log((double) hidden / o.hidden))
                + Math.abs(Math.log((double) intermediate / o.intermediate)) + Math.abs(Math.log((double) topK / o.topK));
    }
}

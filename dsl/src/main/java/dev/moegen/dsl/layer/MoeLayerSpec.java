package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.moegen.dsl.spec.SpecValidator;
import dev.moegen.dsl.types.DType;

/**
 * A whole MoE layer: what a spec file holds and what every other module starts from.
 *
 * @param capacityFactor null = no factor; otherwise each routed expert keeps at most
 *                       ceil(factor · T · K / E) assignments, earliest tokens first (GShard, Switch training)
 * @param expertCapacity null = no fixed count; otherwise each routed expert keeps at most this many
 *                       assignments (HF Switch Transformers' {@code expert_capacity})
 * @param sequenceLength null = the capacity holds over all T tokens; otherwise T splits into sequences
 *                       of this many tokens (the last may be shorter) and the capacity holds per
 *                       sequence, with T = sequence_length in the factor's formula (HF Switch: per
 *                       sequence; GShard: per group)
 * @param shared         shared experts, riding the GroupGEMMs
 * @param expertBias     expert GEMMs add biases (gpt-oss)
 */
@JsonPropertyOrder({"name", "dtype", "hidden", "intermediate", "experts", "top_k", "routing", "activation",
        "capacity_factor", "expert_capacity", "sequence_length", "shared", "expert_bias"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MoeLayerSpec(
        String name,
        DType dtype,
        int hidden,
        int intermediate,
        int experts,
        int topK,
        Routing routing,
        Activation activation,
        Double capacityFactor,
        Integer expertCapacity,
        Integer sequenceLength,
        SharedExperts shared,
        boolean expertBias) {

    public static MoeLayer.Builder builder(String name) {
        return new MoeLayer.Builder(name);
    }

    /** Throws {@link dev.moegen.dsl.spec.SpecException} listing every problem, or returns this. */
    public MoeLayerSpec validated() {
        SpecValidator.check(this);
        return this;
    }

    /** No capacity limit: every assignment is computed. */
    @JsonIgnore
    public boolean dropless() {
        return capacityFactor == null && expertCapacity == null;
    }

    /** The capacity holds per sequence of {@code sequence_length} tokens rather than over all T. */
    @JsonIgnore
    public boolean perSequence() {
        return !dropless() && sequenceLength != null;
    }

    /** Extra expert ids used by shared-expert slices. */
    @JsonIgnore
    public int sharedSlices() {
        return shared == null ? 0 : shared.slices(intermediate);
    }

    /** Expert ids in the GroupGEMMs: routed then shared slices. */
    @JsonIgnore
    public int totalExperts() {
        return experts + sharedSlices();
    }

    /** Routed slots per token: top-k; under expert choice one per expert (slot e: expert e, chosen or not). */
    @JsonIgnore
    public int routedSlots() {
        return routing != null && routing.expertChoice() ? experts : topK;
    }

    /** Slots per token in the GroupGEMMs: routed slots then one per shared slice. */
    @JsonIgnore
    public int slotsPerToken() {
        return routedSlots() + sharedSlices();
    }

    /** Under expert choice, the tokens each expert takes from {@code tokens}: the capacity rule's C, at most T. */
    public long expertChoiceTokens(long tokens) {
        return Math.min(tokens, capacityOf(tokens));
    }

    /** Assignments a forward of {@code tokens} tokens can compute at most: every slot, or under expert choice E·C + shared. */
    public long computedAssignments(long tokens) {
        long all = Math.multiplyExact(tokens, slotsPerToken());
        if (routing == null || !routing.expertChoice()) return all;
        return Math.min(all, Math.addExact(Math.multiplyExact((long) experts, expertChoiceTokens(tokens)), Math.multiplyExact(tokens, sharedSlices())));
    }

    /**
     * Assignments each routed expert keeps over all {@code tokens} tokens; {@link Long#MAX_VALUE} when dropless or
     * when the capacity holds per sequence ({@link #sequenceCapacity()}).
     */
    public long capacity(long tokens) {
        if (dropless() || perSequence() || (routing != null && routing.expertChoice())) return Long.MAX_VALUE; // expert choice fills each expert exactly
        return capacityOf(tokens);
    }

    /** Assignments each routed expert keeps per sequence; {@link Long#MAX_VALUE} unless {@link #perSequence()}. */
    @JsonIgnore
    public long sequenceCapacity() {
        return perSequence() ? capacityOf(sequenceLength) : Long.MAX_VALUE;
    }

    private long capacityOf(long tokens) {
        return expertCapacity != null ? expertCapacity : (long) Math.ceil(capacityFactor * tokens * topK / experts);
    }

    public MoeLayerSpec withDtype(DType d) {
        return new MoeLayerSpec(name, d, hidden, intermediate, experts, topK, routing, activation, capacityFactor, expertCapacity, sequenceLength, shared, expertBias);
    }

    public MoeLayerSpec withName(String n) {
        return new MoeLayerSpec(n, dtype, hidden, intermediate, experts, topK, routing, activation, capacityFactor, expertCapacity, sequenceLength, shared, expertBias);
    }

    /**
     * The same routing (E, top-k, groups, scoring, shared-expert count) with hidden and intermediate
     * sizes divided by {@code scale}, rounded up to a multiple of 16 (at least 16), for CPU runs.
     */
    public MoeLayerSpec scaled(int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale = " + scale + ": must be >= 1");
        if (scale == 1) return this;
        int h = scaleDim(hidden, scale);
        int i = scaleDim(intermediate, scale);
        SharedExperts s = shared;
        if (s != null && s.present()) s = new SharedExperts(s.count(), (s.intermediate() / intermediate) * i, s.gated());
        return new MoeLayerSpec(name + "/s" + scale, dtype, h, i, experts, topK, routing, activation, capacityFactor, expertCapacity, sequenceLength, s, expertBias);
    }

    private static int scaleDim(int size, int scale) {
        int v = (size + scale - 1) / scale;
        return Math.max(16, (v + 15) / 16 * 16);
    }
}

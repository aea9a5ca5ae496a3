package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Expert FFN activation. Gated ones read a gate half and an up half of GEMM 1's 2·I outputs
 * (rows [0, I) gate, [I, 2I) up); {@link #RELU} is the plain two-layer FFN of Switch (I outputs).
 */
public enum Activation {
    /** silu(gate) · up — Mixtral, DeepSeek, Qwen, OLMoE, DBRX. */
    SWIGLU("swiglu", true),
    /** gelu_tanh(gate) · up. */
    GEGLU_TANH("geglu-tanh", true),
    /** gpt-oss: gate ≤ 7, up ∈ [−7, 7], gate·sigmoid(1.702·gate)·(up + 1). */
    SWIGLU_CLAMPED("swiglu-clamped", true),
    /** relu(h), not gated — Switch Transformer. */
    RELU("relu", false);

    public static final double CLAMP_ALPHA = 1.702;
    public static final double CLAMP_LIMIT = 7.0;

    private final String id;
    private final boolean gated;

    Activation(String id, boolean gated) {
        this.id = id;
        this.gated = gated;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public boolean gated() {
        return gated;
    }

    /** Width of GEMM 1's output for intermediate size {@code i}. */
    public long gemm1Width(long i) {
        return gated ? 2 * i : i;
    }

    @JsonCreator
    public static Activation parse(String s) {
        for (Activation a : values()) if (a.id.equalsIgnoreCase(s) || a.name().equalsIgnoreCase(s)) return a;
        throw new IllegalArgumentException("unknown activation '" + s + "'; allowed: "
                + Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", ")));
    }

    /** The activation in double precision; {@code up} is ignored when not gated. */
    public double apply(double gate, double up) {
        return switch (this) {
            case SWIGLU -> gate / (1 + Math.exp(-gate)) * up;
            case GEGLU_TANH -> 0.5 * gate * (1 + Math.tanh(0.7978845608028654 * (gate + 0.044715 * gate * gate * gate))) * up;
            case SWIGLU_CLAMPED -> {
                double g = Math.min(gate, CLAMP_LIMIT);
                double u = Math.max(-CLAMP_LIMIT, Math.min(up, CLAMP_LIMIT));
                yield g / (1 + Math.exp(-CLAMP_ALPHA * g)) * (u + 1);
            }
            case RELU -> Math.max(gate, 0);
        };
    }
}

package dev.moegen.verify.reference;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import java.util.SplittableRandom;

/**
 * Activations and weights of one layer run, every value already rounded to the layer's dtype
 * (biases stay fp32). Layouts: x[T,H], wRouter[R,H] (R = E, +1 row for a gated shared expert),
 * w13[E',N1,H] with rows [gate; up], w2[E',H,I], where E' counts shared-expert slices.
 */
public record LayerInputs(
        MoeLayerSpec spec, int tokens, float[] x, float[] wRouter, float[] w13, float[] w2,
        float[] bRouter, float[] correctionBias, float[] b13, float[] b2) {

    public int n1() {
        return Math.toIntExact(spec.activation().gemm1Width(spec.intermediate()));
    }

    /** Fresh inputs from {@code seed}: x ~ U(−1,1), weights ~ U(−1,1)/√fan_in so outputs stay O(1). */
    public static LayerInputs random(MoeLayerSpec spec, int tokens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int h = spec.hidden(), i = spec.intermediate(), e2 = spec.totalExperts();
        int n1 = Math.toIntExact(spec.activation().gemm1Width(i));
        DType d = spec.dtype();
        float[] x = uniform(rnd, Math.multiplyExact(tokens, h), 1.0, d);
        float[] wr = uniform(rnd, Math.multiplyExact(LayerGraph.routerRows(spec), h), 1.0 / Math.sqrt(h), d);
        float[] w13 = uniform(rnd, Math.multiplyExact(Math.multiplyExact(e2, n1), h), 1.0 / Math.sqrt(h), d);
        float[] w2 = uniform(rnd, Math.multiplyExact(Math.multiplyExact(e2, h), i), 1.0 / Math.sqrt(i), d);
        float[] br = spec.routing().routerBias() ? uniform(rnd, spec.experts(), 0.5, DType.FP32) : null;
        // Correction biases of trained DeepSeek-V3 are of the order of the score spread.
        float[] cb = spec.routing().correctionBias() ? uniform(rnd, spec.experts(), 0.05, DType.FP32) : null;
        float[] b13 = spec.expertBias() ? uniform(rnd, e2 * n1, 0.1, DType.FP32) : null;
        float[] b2 = spec.expertBias() ? uniform(rnd, e2 * h, 0.1, DType.FP32) : null;
        return new LayerInputs(spec, tokens, x, wr, w13, w2, br, cb, b13, b2);
    }

    /** These activations with {@code other}'s weights (one weight upload serves many token counts). */
    public LayerInputs withWeightsOf(LayerInputs other) {
        return new LayerInputs(spec, tokens, x, other.wRouter, other.w13, other.w2, other.bRouter, other.correctionBias, other.b13, other.b2);
    }

    public LayerInputs withX(float[] newX, int newTokens) {
        return new LayerInputs(spec, newTokens, newX, wRouter, w13, w2, bRouter, correctionBias, b13, b2);
    }

    private static float[] uniform(SplittableRandom rnd, int n, double scale, DType d) {
        float[] a = new float[n];
        for (int k = 0; k < n; k++) a[k] = d.round((float) ((rnd.nextDouble() * 2 - 1) * scale));
        return a;
    }
}

package dev.moegen.verify.reference;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import dev.moegen.dsl.graph.OpGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Activations and weights of one layer run, every value already rounded to the layer's dtype
 * (biases stay fp32). Layouts: x[T,H], wRouter[R,H] (R = E, +1 row for a gated shared expert),
 * w13[E',N1,H] with rows [gate; up], w2[E',H,I], where E' counts shared-expert slices. {@code noiseSeed} keys the
 * gating's random stream (noisy gating, GShard's second expert): the seed a device run passes its gating kernel.
 */
public record LayerInputs(
        MoeLayerSpec spec, int tokens, float[] x, float[] wRouter, float[] w13, float[] w2,
        float[] bRouter, float[] correctionBias, float[] b13, float[] b2, int noiseSeed) {

    public LayerInputs(MoeLayerSpec spec, int tokens, float[] x, float[] wRouter, float[] w13, float[] w2,
                       float[] bRouter, float[] correctionBias, float[] b13, float[] b2) {
        this(spec, tokens, x, wRouter, w13, w2, bRouter, correctionBias, b13, b2, 0);
    }

    public static final String X = "x", W_ROUTER = "w_router", W13 = "w13", W2 = "w2", B_ROUTER = "b_router",
            CORRECTION_BIAS = "e_score_correction_bias", B13 = "b13", B2 = "b2";

    public int n1() {
        return Math.toIntExact(spec.activation().gemm1Width(spec.intermediate()));
    }

    /** Fresh inputs from {@code seed}: x ~ U(−1,1), weights ~ U(−1,1)/√fan_in so outputs stay O(1). */
    public static LayerInputs random(MoeLayerSpec spec, int tokens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        OpGraph g = LayerGraph.of(spec);
        DType d = spec.dtype();
        double h = spec.hidden(), i = spec.intermediate();
        // Draw order is fixed: a seed reproduces the same layer.
        float[] x = uniform(rnd, size(g, X, tokens), 1.0, d);
        float[] wr = uniform(rnd, size(g, W_ROUTER, tokens), 1.0 / Math.sqrt(h), d);
        float[] w13 = uniform(rnd, size(g, W13, tokens), 1.0 / Math.sqrt(h), d);
        float[] w2 = uniform(rnd, size(g, W2, tokens), 1.0 / Math.sqrt(i), d);
        float[] br = spec.routing().routerBias() ? uniform(rnd, size(g, B_ROUTER, tokens), 0.5, DType.FP32) : null;
        // Correction biases of trained DeepSeek-V3 are of the order of the score spread.
        float[] cb = spec.routing().correctionBias() ? uniform(rnd, size(g, CORRECTION_BIAS, tokens), 0.05, DType.FP32) : null;
        float[] b13 = spec.expertBias() ? uniform(rnd, size(g, B13, tokens), 0.1, DType.FP32) : null;
        float[] b2 = spec.expertBias() ? uniform(rnd, size(g, B2, tokens), 0.1, DType.FP32) : null;
        return new LayerInputs(spec, tokens, x, wr, w13, w2, br, cb, b13, b2, (int) (seed ^ (seed >>> 32)));
    }

    private static int size(OpGraph g, String tensor, int tokens) {
        return Math.toIntExact(g.tensor(tensor).shape().elements(tokens));
    }

    /** These activations with {@code other}'s weights (one weight upload serves many token counts). */
    public LayerInputs withWeightsOf(LayerInputs other) {
        return new LayerInputs(spec, tokens, x, other.wRouter, other.w13, other.w2, other.bRouter, other.correctionBias, other.b13, other.b2, noiseSeed);
    }

    /** These inputs with the gating's random stream keyed by {@code seed}. */
    public LayerInputs withNoiseSeed(int seed) {
        return new LayerInputs(spec, tokens, x, wRouter, w13, w2, bRouter, correctionBias, b13, b2, seed);
    }

    /** The weights this layer has, under the tensor names of its op graph (and of kernel plans). */
    public Map<String, float[]> weights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put(W_ROUTER, wRouter);
        w.put(W13, w13);
        w.put(W2, w2);
        if (bRouter != null) w.put(B_ROUTER, bRouter);
        if (correctionBias != null) w.put(CORRECTION_BIAS, correctionBias);
        if (b13 != null) w.put(B13, b13);
        if (b2 != null) w.put(B2, b2);
        return w;
    }

    /**
     * Inputs from named arrays, checked against the op graph: every weight the layer has must be
     * there with the element count its graph tensor declares. {@code label} names an array in errors
     * (a format with one %s, e.g. "weight '%s'" or "--inputs %s.npy").
     */
    public static LayerInputs of(MoeLayerSpec spec, int tokens, float[] x, Map<String, float[]> weights, String label) {
        OpGraph g = LayerGraph.of(spec);
        Map<String, float[]> all = new LinkedHashMap<>(weights);
        all.put(X, x);
        for (String name : g.inputs()) {
            float[] v = all.get(name);
            if (v == null) throw new IllegalArgumentException(label.formatted(name) + " is missing");
            long want = g.tensor(name).shape().elements(tokens);
            if (v.length != want) throw new IllegalArgumentException(label.formatted(name) + " has " + v.length + " values, the layer needs " + want);
        }
        return new LayerInputs(spec, tokens, x, all.get(W_ROUTER), all.get(W13), all.get(W2), all.get(B_ROUTER), all.get(CORRECTION_BIAS),
                all.get(B13), all.get(B2));
    }

    private static float[] uniform(SplittableRandom rnd, int n, double scale, DType d) {
        float[] a = new float[n];
        for (int k = 0; k < n; k++) a[k] = d.round((float) ((rnd.nextDouble() * 2 - 1) * scale));
        return a;
    }
}

package dev.moegen.tune.routing;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.verify.reference.LayerInputs;
import java.util.SplittableRandom;

/**
 * Layer inputs whose router picks given experts: the router rows of the routed experts are orthonormal (when hidden ≥
 * experts; else merely random) and each token's activation is a sum of its experts' rows with falling weights, so
 * its logits are largest, in order, for exactly those experts. Expert weights and every other input are random
 * ({@link LayerInputs#random}), rounded to the layer's dtype like every input.
 */
public final class RoutedInputs {
    /** Logit of a token's first expert, and the step down to each next one (well clear of ties and of the rest, which sit near 0). */
    static final double FIRST = 6, STEP = 0.5, NOISE = 0.02;

    private RoutedInputs() {}

    public static LayerInputs of(MoeLayerSpec spec, int tokens, Routing routing, long seed) {
        LayerInputs base = LayerInputs.random(spec, tokens, seed);
        int h = spec.hidden(), e = spec.experts();
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] wr = base.wRouter().clone();
        double[][] rows = new double[e][h];
        for (int i = 0; i < e; i++) {
            for (int k = 0; k < h; k++) rows[i][k] = r.nextGaussian();
            if (i < h) for (int j = 0; j < i; j++) subtractProjection(rows[i], rows[j]); // Gram-Schmidt while the rows can stay orthogonal
            normalise(rows[i]);
            for (int k = 0; k < h; k++) wr[i * h + k] = spec.dtype().round((float) rows[i][k]);
        }
        int[][] ids = routing.ids(spec, tokens, seed);
        float[] x = new float[tokens * h];
        for (int t = 0; t < tokens; t++) {
            double[] v = new double[h];
            for (int k = 0; k < h; k++) v[k] = NOISE * r.nextGaussian();
            for (int j = 0; j < ids[t].length; j++)
                for (int k = 0; k < h; k++) v[k] += (FIRST - STEP * j) * rows[ids[t][j]][k];
            for (int k = 0; k < h; k++) x[t * h + k] = spec.dtype().round((float) v[k]);
        }
        return new LayerInputs(spec, tokens, x, wr, base.w13(), base.w2(), base.bRouter(), base.correctionBias(), base.b13(), base.b2());
    }

    private static void subtractProjection(double[] v, double[] unit) {
        double d = 0;
        for (int k = 0; k < v.length; k++) d += v[k] * unit[k];
        for (int k = 0; k < v.length; k++) v[k] -= d * unit[k];
    }

    private static void normalise(double[] v) {
        double n = 0;
        for (double a : v) n += a * a;
        n = Math.sqrt(n);
        for (int k = 0; k < v.length; k++) v[k] /= n;
    }
}

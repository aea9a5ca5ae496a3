package dev.moegen.verify.junit;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.verify.compare.Compare;
import dev.moegen.verify.compare.CompareResult;
import dev.moegen.verify.compare.Tolerance;
import dev.moegen.verify.compare.TopKCheck;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.LayerResult;
import dev.moegen.verify.reference.Reference;
import java.util.function.Function;

/**
 * Assertions for users' own JUnit 5 tests: any implementation of a layer (a generated launcher, a
 * hand-written kernel, another framework) is checked against moegen's reference on fresh random
 * inputs, with the tolerance policy of DESIGN.md 5. Failures throw {@link AssertionError} naming the
 * token count, the worst element and the seed that reproduces it.
 *
 * <pre>{@code
 * MoeAssertions.assertMatchesReference(spec, in -> {
 *     layer.loadWeights(in.wRouter(), in.w13(), in.w2());
 *     return Observed.y(layer.forward(in.x(), in.tokens()));
 * }, 42L, 1, 16, 128);
 * }</pre>
 */
public final class MoeAssertions {
    private MoeAssertions() {}

    public static void assertMatchesReference(MoeLayerSpec spec, Function<LayerInputs, Observed> layer, long seed, int... tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("give at least one token count");
        LayerInputs weights = LayerInputs.random(spec, 1, seed);
        for (int t : tokens) {
            LayerInputs in = LayerInputs.random(spec, t, seed + t).withWeightsOf(weights);
            Observed got = layer.apply(in);
            if (got == null || got.y() == null) throw new AssertionError("layer returned no output for T=" + t);
            int[][] forced = null;
            if (got.topkIds() != null) {
                TopKCheck.Result tk = TopKCheck.check(in, Reference.routerLogits(in), got.topkIds());
                if (!tk.pass()) throw new AssertionError(spec.name() + " T=" + t + " seed " + seed + ": " + tk.summary());
                forced = tk.forced();
            }
            LayerResult ref = Reference.forward(in, 16, forced);
            CompareResult c = Compare.close("y", got.y(), ref.y(), Tolerance.forLayer(spec));
            if (!c.pass()) throw new AssertionError(spec.name() + " T=" + t + " seed " + seed + ": " + c.summary());
        }
    }
}

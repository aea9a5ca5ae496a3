package dev.moegen.harness.fuzz;

import dev.moegen.dsl.layer.*;
import dev.moegen.dsl.types.DType;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Small valid layers of every routing and epilogue the DSL has, for the fuzz properties. */
final class Layers {
    private Layers() {}

    static Arbitrary<MoeLayerSpec> valid() {
        Arbitrary<int[]> shape = Arbitraries.integers().between(1, 24).flatMap(e -> Arbitraries.integers().between(1, Math.min(e, 6)).flatMap(k -> {
            List<Integer> divisors = new ArrayList<>();
            for (int d = 1; d <= Math.min(e, 8); d++) if (e % d == 0 && (d == 1 || e / d >= 2)) divisors.add(d); // a group scores its top 2
            return Arbitraries.of(divisors).flatMap(n -> {
                int per = e / n, least = Math.max(1, (k + per - 1) / per);
                return Arbitraries.integers().between(least, n).map(g -> new int[] {e, k, n, g});
            });
        }));
        Arbitrary<Integer> hidden = Arbitraries.integers().between(8, 96), inter = Arbitraries.integers().between(8, 64);
        Arbitrary<Double> capacity = Arbitraries.of(0.5, 1.0, 1.25, 2.0).injectNull(0.7);
        return Combinators.combine(Arbitraries.of(DType.FP32, DType.FP16, DType.BF16), shape, hidden, inter, Arbitraries.of(Scoring.values()),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(Activation.values())).flatAs((d, s, h, i, sc, renorm, corr, act) ->
                Combinators.combine(Arbitraries.of(1.0, 2.5), Arbitraries.of(true, false), capacity, Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(1, 2), Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(0, 1, 2))
                        .as((scale, rbias, cap, shared, mult, gated, eb, variant) -> {
                    Routing r = new Routing(sc, renorm, s[2], s[3], corr, scale, rbias);
                    if (variant == 1) r = r.withGroupScore(dev.moegen.dsl.layer.GroupScore.MAX); // DeepSeek-V2's group rule
                    if (variant == 2 && renorm) r = r.withRenormalizeP(2.0); // DBRX's p-norm
                    MoeLayer.Builder b = MoeLayerSpec.builder("fuzz").dtype(d).hidden(h).intermediate(i).experts(s[0], s[1])
                            .routing(r).activation(act).expertBias(eb);
                    if (shared > 0) b.shared(shared, i * mult, gated);
                    if (cap != null) b.capacityFactor(cap);
                    return b.build();
                }));
    }
}

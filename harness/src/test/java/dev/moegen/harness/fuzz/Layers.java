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
        // a factor (cf) or a fixed count (ec), over all T or per sequence of /s tokens (HF Switch, GShard groups)
        Arbitrary<String> capacity = Arbitraries.of("cf0.5", "cf1.0", "cf1.25", "cf2.0", "ec1", "ec3", "cf1.0/s5", "cf2.0/s16", "ec2/s3", "ec1/s1", "ec4/s40")
                .injectNull(0.6);
        return Combinators.combine(Arbitraries.of(DType.FP32, DType.FP16, DType.BF16), shape, hidden, inter, Arbitraries.of(Scoring.values()),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(Activation.values())).flatAs((d, s, h, i, sc, renorm, corr, act) ->
                Combinators.combine(Arbitraries.of(1.0, 2.5), Arbitraries.of(true, false), capacity, Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(1, 2), Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(0, 1, 2, 3, 4))
                        .as((scale, rbias, cap, shared, mult, gated, eb, variant) -> {
                    Routing r = new Routing(sc, renorm, s[2], s[3], corr, scale, rbias);
                    if (variant == 1) r = r.withGroupScore(dev.moegen.dsl.layer.GroupScore.MAX); // DeepSeek-V2's group rule
                    if (variant == 2 && renorm) r = r.withRenormalizeP(2.0); // DBRX's p-norm
                    if (variant == 3) r = r.withNoisyGating(true); // Shazeer's noisy top-k, and GShard's coin for a second expert
                    if (variant == 3 && s[1] == 2) r = r.withSecondExpertPolicy(SecondExpertPolicy.RANDOM);
                    if (variant == 4) // expert choice: each expert its C best tokens, a capacity rule required, plain scores
                        r = new Routing(sc, false, 1, 1, false, scale, rbias).withStrategy(RoutingStrategy.EXPERT_CHOICE);
                    MoeLayer.Builder b = MoeLayerSpec.builder("fuzz").dtype(d).hidden(h).intermediate(i).experts(s[0], s[1])
                            .routing(r).activation(act).expertBias(eb);
                    if (shared > 0) b.shared(shared, i * mult, gated);
                    if (variant == 4) capacity(b, cap == null || cap.contains("/s") ? "cf1.0" : cap);
                    else if (cap != null) capacity(b, cap);
                    return b.build();
                }));
    }

    /** "cf1.25", "ec3", "ec2/s3": a capacity factor or a fixed count, and a sequence length. */
    private static void capacity(MoeLayer.Builder b, String rule) {
        String[] parts = rule.split("/s");
        if (parts[0].startsWith("cf")) b.capacityFactor(Double.parseDouble(parts[0].substring(2)));
        else b.expertCapacity(Integer.parseInt(parts[0].substring(2)));
        if (parts.length > 1) b.sequenceLength(Integer.parseInt(parts[1]));
    }
}

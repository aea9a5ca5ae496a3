package dev.moegen.verify;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.layer.*;
import dev.moegen.dsl.types.DType;
import dev.moegen.verify.compare.*;
import dev.moegen.verify.reference.*;
import dev.moegen.verify.stats.LoadStats;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
    private static MoeLayer.Builder small() {
        return MoeLayer.builder("t").dtype(DType.FP32).hidden(24).intermediate(16);
    }

    /** FFN of expert e on token t computed straight from the weight layout, independent of Reference. */
    private static double[] ffn(LayerInputs in, int e, int t) {
        int h = in.spec().hidden(), i = in.spec().intermediate(), n1 = in.n1();
        double[] a = new double[i];
        for (int c = 0; c < i; c++) {
            double g = 0, u = 0;
            for (int j = 0; j < h; j++) {
                g += in.x()[t * h + j] * (double) in.w13()[(e * n1 + c) * h + j];
                if (in.spec().activation().gated()) u += in.x()[t * h + j] * (double) in.w13()[(e * n1 + i + c) * h + j];
            }
            a[c] = in.spec().activation().apply(g, u);
        }
        double[] o = new double[h];
        for (int c = 0; c < h; c++) for (int j = 0; j < i; j++) o[c] += a[j] * in.w2()[(e * h + c) * i + j];
        return o;
    }

    @Test
    void topKEqualsEWithRenormalisedSoftmaxIsTheDenseSoftmaxMixture() {
        MoeLayerSpec s = small().experts(6, 6).routing(Routing.softmax(true)).build();
        LayerInputs in = LayerInputs.random(s, 5, 11);
        double[] y = Reference.forward(in, 4).y();
        int h = s.hidden();
        for (int t = 0; t < 5; t++) {
            double[] logits = new double[6];
            double max = -1e300, sum = 0;
            for (int e = 0; e < 6; e++) {
                for (int j = 0; j < h; j++) logits[e] += in.x()[t * h + j] * (double) in.wRouter()[e * h + j];
                max = Math.max(max, logits[e]);
            }
            for (int e = 0; e < 6; e++) sum += Math.exp(logits[e] - max);
            double[] dense = new double[h];
            for (int e = 0; e < 6; e++) {
                double p = Math.exp(logits[e] - max) / sum;
                double[] o = ffn(in, e, t);
                for (int c = 0; c < h; c++) dense[c] += p * o[c];
            }
            for (int c = 0; c < h; c++) assertEquals(dense[c], y[t * h + c], 1e-12 * (1 + Math.abs(dense[c])));
        }
    }

    @ParameterizedTest
    @CsvSource({"8,4,2,3", "12,3,1,2", "16,8,3,5", "12,6,6,4"})
    void groupedTopKEqualsBruteForceEnumeration(int experts, int nGroup, int topkGroup, int k) {
        Routing r = new Routing(Scoring.SIGMOID, false, nGroup, topkGroup, false, 1, false);
        Random rnd = new Random(experts * 31L + k);
        int per = experts / nGroup;
        for (int trial = 0; trial < 200; trial++) {
            double[] sel = new double[experts];
            for (int e = 0; e < experts; e++) sel[e] = rnd.nextDouble();
            // Brute force: the best set of topkGroup groups by summed group score, then the best k-subset inside it.
            double[] gs = new double[nGroup];
            for (int g = 0; g < nGroup; g++) {
                double[] v = Arrays.copyOfRange(sel, g * per, (g + 1) * per);
                Arrays.sort(v);
                gs[g] = v[per - 1] + v[per - 2];
            }
            int bestGroups = -1;
            double best = -1;
            for (int mask = 0; mask < 1 << nGroup; mask++) {
                if (Integer.bitCount(mask) != topkGroup) continue;
                double sum = 0;
                for (int g = 0; g < nGroup; g++) if ((mask >> g & 1) == 1) sum += gs[g];
                if (sum > best) { best = sum; bestGroups = mask; }
            }
            List<Integer> allowed = new ArrayList<>();
            for (int e = 0; e < experts; e++) if ((bestGroups >> (e / per) & 1) == 1) allowed.add(e);
            Set<Integer> bestSet = null;
            double bestSum = -1;
            for (long m = 0; m < 1L << allowed.size(); m++) {
                if (Long.bitCount(m) != k) continue;
                Set<Integer> set = new TreeSet<>();
                double sum = 0;
                for (int j = 0; j < allowed.size(); j++) if ((m >> j & 1) == 1) { set.add(allowed.get(j)); sum += sel[allowed.get(j)]; }
                if (sum > bestSum) { bestSum = sum; bestSet = set; }
            }
            int[] got = Reference.topK(sel, 0, experts, k, Reference.allowedExperts(r, sel, 0, experts));
            Set<Integer> gotSet = new TreeSet<>();
            for (int g : got) gotSet.add(g);
            assertEquals(bestSet, gotSet, "trial " + trial);
            for (int j = 1; j < k; j++) assertTrue(sel[got[j - 1]] >= sel[got[j]], "best first");
        }
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    @Test
    void deepSeekV3RoutingHandComputed() {
        // 8 experts in 4 groups of 2; keep 2 groups; top-2; sigmoid; correction bias; renormalise; x2.5.
        MoeLayerSpec s = MoeLayer.builder("v3-small").dtype(DType.FP32).hidden(16).intermediate(16).experts(8, 2)
                .routing(new Routing(Scoring.SIGMOID, true, 4, 2, true, 2.5, false)).build();
        double[] scores = {0.9, 0.1, 0.5, 0.5, 0.8, 0.7, 0.2, 0.3};
        float[] bias = {0, 0, 0, 0, 0, 0, 0.55f, 0};
        // selection = [.9 .1 .5 .5 .8 .7 .75 .3]; group scores (top-2 sums) = [1.0, 1.0, 1.5, 1.05]
        // -> groups 2 and 3 kept, expert 0 (the best score) is out; top-2 inside = 4 (.8), 6 (.75)
        // weights use unbiased scores .8 and .2 -> renormalised .8, .2 -> scaled 2.0, 0.5
        double[] logits = Arrays.stream(scores).map(ReferenceTest::logit).toArray();
        LayerInputs in = new LayerInputs(s, 1, null, null, null, null, null, bias, null, null);
        RoutingResult r = Reference.route(in, logits, null);
        assertArrayEquals(new int[] {4, 6}, r.ids());
        assertArrayEquals(new double[] {2.0, 0.5}, r.weights(), 1e-12);
    }

    /**
     * DeepSeek-V2's group_limited_greedy, as HF's DeepseekV2MoEGate computes it: group score = the group's max softmax
     * score, keep topk_group groups, top-k inside, no renormalisation, x routed_scaling_factor. The same scores under
     * V3's top-2 sum keep other groups.
     */
    @Test
    void deepSeekV2GroupLimitedGreedyHandComputed() {
        // 8 experts in 4 groups of 2; keep 2 groups; top-2; softmax; x16
        double[] probs = {0.30, 0.02, 0.20, 0.19, 0.02, 0.01, 0.25, 0.01};
        // group max = [.30, .20, .02, .25] -> groups 0 and 3 -> experts {0, 1, 6, 7} -> top-2 = 0 (.30), 6 (.25)
        // (top-2 sums = [.32, .39, .03, .26] would keep groups 0 and 1 -> 0 (.30), 2 (.20))
        double[] logits = Arrays.stream(probs).map(Math::log).toArray(); // softmax of log p = p (they sum to 1)
        for (var c : new Object[][] {{dev.moegen.dsl.layer.GroupScore.MAX, new int[] {0, 6}, new double[] {0.30 * 16, 0.25 * 16}},
                {dev.moegen.dsl.layer.GroupScore.TOP2_SUM, new int[] {0, 2}, new double[] {0.30 * 16, 0.20 * 16}}}) {
            MoeLayerSpec s = MoeLayer.builder("v2-small").dtype(DType.FP32).hidden(16).intermediate(16).experts(8, 2)
                    .routing(new Routing(Scoring.SOFTMAX, false, 4, 2, false, 16, false).withGroupScore((dev.moegen.dsl.layer.GroupScore) c[0])).build();
            RoutingResult r = Reference.route(new LayerInputs(s, 1, null, null, null, null, null, null, null, null), logits, null);
            assertArrayEquals((int[]) c[1], r.ids(), c[0].toString());
            assertArrayEquals((double[]) c[2], r.weights(), 1e-9, c[0].toString());
        }
    }

    /** DBRX's moe_normalize_expert_weights = p: the picked weights divided by their p-norm (torch.norm(w, p)). */
    @Test
    void renormalisationByThePNormHandComputed() {
        double[] probs = {0.5, 0.3, 0.2};
        double[] logits = Arrays.stream(probs).map(Math::log).toArray();
        for (double p : new double[] {1, 2, 0.5}) {
            MoeLayerSpec s = MoeLayer.builder("dbrx-small").dtype(DType.FP32).hidden(16).intermediate(16).experts(3, 2)
                    .routing(Routing.softmax(true).withRenormalizeP(p)).build();
            RoutingResult r = Reference.route(new LayerInputs(s, 1, null, null, null, null, null, null, null, null), logits, null);
            double norm = Math.pow(Math.pow(0.5, p) + Math.pow(0.3, p), 1 / p); // p=2: sqrt(.34) = .5831
            assertArrayEquals(new int[] {0, 1}, r.ids());
            assertArrayEquals(new double[] {0.5 / norm, 0.3 / norm}, r.weights(), 1e-12, "p = " + p);
        }
        assertEquals(0.857492925712544, 0.5 / Math.sqrt(0.34), 1e-12, "p = 2 by hand");
        var bad = assertThrows(dev.moegen.dsl.spec.SpecException.class, () -> MoeLayer.builder("x").dtype(DType.FP32).hidden(16).intermediate(16).experts(3, 2)
                .routing(Routing.softmax(true).withRenormalizeP(-1)).build());
        assertTrue(bad.getMessage().contains("routing.renormalize_p = -1.0"), bad.getMessage());
    }

    @Test
    void tiesGoToTheLowerExpertIndex() {
        int[] got = Reference.topK(new double[] {0.5, 0.7, 0.7, 0.5, 0.7}, 0, 5, 3, null);
        assertArrayEquals(new int[] {1, 2, 4}, got);
        assertArrayEquals(new int[] {0, 3}, Reference.topK(new double[] {0.5, 0.5, 0.5, 0.5}, 0, 4, 2, new boolean[] {true, false, false, true}));
    }

    @ParameterizedTest
    @CsvSource({"5,2,8,16", "64,8,128,16", "1,1,3,4", "300,4,2000,64", "7,3,16,1"})
    void permutationIsAValidInvertibleStableGrouping(int tokens, int k, int experts, int blockM) {
        Random rnd = new Random(tokens * 7L + experts);
        int[] ids = new int[tokens * k];
        for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(Math.min(experts, 5)) * (experts / Math.min(experts, 5)); // many empty experts
        Alignment al = Reference.align(ids, experts, blockM);
        assertEquals(List.of(), PermutationCheck.problems(ids, al.sortedTokenIds(), al.expertIds(), al.numTokensPostPadded(), al.slotPosition(), blockM));
        for (int a = 0; a < ids.length; a++) assertEquals(a, al.sortedTokenIds()[al.slotPosition()[a]], "inverse");
        // stable: within an expert, assignments keep their flat order
        for (int p = 1; p < al.numTokensPostPadded(); p++) {
            int a = al.sortedTokenIds()[p - 1], b = al.sortedTokenIds()[p];
            if (a < ids.length && b < ids.length && ids[a] == ids[b]) assertTrue(a < b);
        }
        int expected = 0;
        int[] count = new int[experts];
        for (int id : ids) count[id]++;
        for (int c : count) expected += (c + blockM - 1) / blockM * blockM;
        assertEquals(expected, al.numTokensPostPadded());
        assertTrue(al.sortedTokenIds().length >= al.numTokensPostPadded());
    }

    @Test
    void permutationCheckCatchesBrokenPermutations() {
        int[] ids = {0, 1, 0, 1};
        Alignment al = Reference.align(ids, 2, 2);
        int[] sorted = al.sortedTokenIds().clone();
        sorted[0] = 1; // expert 1's assignment in expert 0's block, and assignment 0 lost
        assertFalse(PermutationCheck.problems(ids, sorted, al.expertIds(), al.numTokensPostPadded(), al.slotPosition(), 2).isEmpty());
        int[] experts = al.expertIds().clone();
        experts[0] = 1;
        assertFalse(PermutationCheck.problems(ids, al.sortedTokenIds(), experts, al.numTokensPostPadded(), al.slotPosition(), 2).isEmpty());
    }

    @Test
    void capacityDroppingKeepsTheEarliestTokensPerExpert() {
        MoeLayerSpec s = small().experts(4, 1).routing(Routing.softmax(false)).capacityFactor(1.0).build();
        // 8 tokens, top-1: capacity = ceil(1.0 * 8 * 1 / 4) = 2
        int[] ids = {2, 2, 1, 2, 2, 0, 1, 1};
        RoutingResult kept = Reference.applyCapacity(s, new RoutingResult(8, 1, ids, new double[8]));
        assertArrayEquals(new int[] {2, 2, 1, -1, -1, 0, 1, -1}, kept.ids());
        Alignment al = Reference.align(kept.ids(), 4, 4);
        assertEquals(-1, al.slotPosition()[3]);
        assertEquals(List.of(), PermutationCheck.problems(kept.ids(), al.sortedTokenIds(), al.expertIds(), al.numTokensPostPadded(), al.slotPosition(), 4));
        LayerInputs in = LayerInputs.random(s, 8, 3);
        LayerResult r = Reference.forward(in, 4, Arrays.stream(ids).mapToObj(i -> new int[] {i}).toArray(int[][]::new));
        for (int c = 0; c < s.hidden(); c++) assertEquals(0.0, r.y()[3 * s.hidden() + c], "dropped token outputs nothing");
    }

    /**
     * HF SwitchTransformersTop1Router: token_priority = cumsum(one_hot(expert), dim=seq) per sequence, kept while
     * ≤ expert_capacity; a dropped token's MoE output is 0. Two sequences of 4 tokens, capacity 2, top-1 of 2.
     */
    @Test
    void expertCapacityHoldsPerSequenceAsHfSwitch() {
        MoeLayerSpec s = small().experts(2, 1).routing(Routing.softmax(false)).expertCapacity(2).sequenceLength(4).build();
        int[] ids = {0, 0, 0, 1, /* sequence 2 starts afresh */ 0, 1, 1, 1, /* a short third */ 1, 1, 1};
        RoutingResult kept = Reference.applyCapacity(s, new RoutingResult(11, 1, ids, new double[11]));
        assertArrayEquals(new int[] {0, 0, -1, 1, 0, 1, 1, -1, 1, 1, -1}, kept.ids());
        // the same rule over all 11 tokens (no sequence_length) keeps only the first two of each expert
        MoeLayerSpec global = small().experts(2, 1).routing(Routing.softmax(false)).expertCapacity(2).build();
        assertArrayEquals(new int[] {0, 0, -1, 1, -1, 1, -1, -1, -1, -1, -1},
                Reference.applyCapacity(global, new RoutingResult(11, 1, ids, new double[11])).ids());
        LayerResult r = Reference.forward(LayerInputs.random(s, 11, 4), 4, Arrays.stream(ids).mapToObj(i -> new int[] {i}).toArray(int[][]::new));
        for (int t : new int[] {2, 7, 10})
            for (int c = 0; c < s.hidden(); c++) assertEquals(0.0, r.y()[t * s.hidden() + c], "dropped token " + t + " outputs nothing");
    }

    /**
     * GShard's second expert: dispatched with probability min(1, 2·g₂). Every token routes the same way (g₂ = e^1.5 /
     * (e^2 + e^1.5) = 0.3775 after renormalisation), so over 20 000 tokens the share dispatched must be 2·g₂ = 0.755;
     * an undispatched pick reads −1 − e and keeps its weight; with g₂ ≥ 0.5 every pick is dispatched.
     */
    @Test
    void gshardDispatchesTheSecondExpertWithProbabilityTwiceItsGate() {
        MoeLayerSpec s = small().experts(4, 2).routing(Routing.softmax(true).withSecondExpertPolicy(dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM)).build();
        int n = 20_000;
        double[] logits = new double[n * 4];
        for (int t = 0; t < n; t++) { logits[t * 4] = 2.0; logits[t * 4 + 1] = 1.5; }
        RoutingResult r = Reference.route(new LayerInputs(s, n, null, null, null, null, null, null, null, null, 11), logits, null);
        long kept = 0;
        for (int t = 0; t < n; t++) {
            assertEquals(0, r.id(t, 0));
            assertTrue(r.id(t, 1) == 1 || r.id(t, 1) == Reference.notDispatched(1), "id " + r.id(t, 1));
            if (r.id(t, 1) == 1) kept++;
            assertEquals(Math.exp(1.5) / (Math.exp(2) + Math.exp(1.5)), r.weights()[t * 2 + 1], 1e-12);
        }
        assertEquals(2 * Math.exp(1.5) / (Math.exp(2) + Math.exp(1.5)), (double) kept / n, 0.01);
        for (int t = 0; t < n; t++) logits[t * 4 + 1] = 2.0; // g2 = 0.5: always dispatched
        RoutingResult even = Reference.route(new LayerInputs(s, n, null, null, null, null, null, null, null, null, 11), logits, null);
        for (int t = 0; t < n; t++) assertTrue(even.id(t, 1) >= 0);
        // the capacity limit and the permutation treat an undispatched pick as dropped
        Alignment al = Reference.align(Reference.applyCapacity(s, r).ids(), 4, 4);
        assertEquals(n + (int) kept, java.util.Arrays.stream(al.slotPosition()).filter(p -> p >= 0).count());
    }

    /**
     * Expert choice (Zhou et al. 2022): each expert takes its C best tokens by score, ties to the lower token; a token
     * may go to no expert (output 0) or to all. Four tokens, three experts, expert_capacity 2, scores set by hand.
     */
    @Test
    void expertChoiceTakesEachExpertsBestTokens() {
        MoeLayerSpec s = small().experts(3, 1).routing(Routing.softmax(false).withStrategy(RoutingStrategy.EXPERT_CHOICE)).expertCapacity(2).build();
        assertEquals(3, s.slotsPerToken(), "a slot per expert");
        // softmax columns: expert 0: t1 0.787 > t2 = t3 0.576 > t0 0.333; experts 1 and 2: t0 0.333 > t2 = t3 0.212 > t1 0.106
        double[] logits = {0, 0, 0, /* t1 */ 2, 0, 0, /* t2 */ 1, 0, 0, /* t3 */ 1, 0, 0};
        LayerInputs in = new LayerInputs(s, 4, null, null, null, null, null, null, null, null);
        RoutingResult r = Reference.route(in, logits, null);
        int n0 = Reference.notDispatched(0), n1 = Reference.notDispatched(1), n2 = Reference.notDispatched(2);
        double[] sc = Reference.scores(in, logits);
        assertEquals(sc[2 * 3], sc[3 * 3], 0.0, "t2 and t3 tie for every expert");
        int[][] want = {{n0, 1, 2}, {0, n1, n2}, {0, 1, 2}, {n0, n1, n2}};
        assertArrayEquals(Arrays.stream(want).flatMapToInt(Arrays::stream).toArray(), r.ids(),
                "expert 0 takes t1 and t2, experts 1 and 2 take t0 and t2: ties go to the lower token; t3 goes to no expert");
        assertEquals(1.0 / 3, r.weights()[1], 1e-15, "a chosen slot's weight is the score");
        assertEquals(Long.MAX_VALUE, s.capacity(4), "no capacity drops after expert choice");
        assertEquals(2, s.expertChoiceTokens(4));
        assertEquals(1, s.expertChoiceTokens(1), "C is at most T");
        LayerResult full = Reference.forward(LayerInputs.random(s, 4, 1), 4, want);
        assertEquals(6, Arrays.stream(full.routing().ids()).filter(id -> id >= 0).count(), "E·C assignments");
        for (int c = 0; c < s.hidden(); c++) assertEquals(0.0, full.y()[3 * s.hidden() + c], "a token no expert chose outputs nothing");
        double[] y2 = new double[s.hidden()];
        for (int e = 0; e < 3; e++) {
            double[] f = ffn(LayerInputs.random(s, 4, 1), e, 2);
            for (int c = 0; c < s.hidden(); c++) y2[c] += full.routing().weights()[2 * 3 + e] * f[c];
        }
        for (int c = 0; c < s.hidden(); c++) assertEquals(y2[c], full.y()[2 * s.hidden() + c], 1e-5 * (1 + Math.abs(y2[c])), "t2: all three experts, weighted by their scores");
    }

    /** Noisy top-k gating: H = logits + ε·softplus(noise logit), ε ~ N(0, 1): mean 0 and variance softplus² over tokens. */
    @Test
    void noisyGatingAddsGaussianNoiseScaledBySoftplus() {
        MoeLayerSpec s = small().experts(4, 2).routing(Routing.softmax(true).withNoisyGating(true)).build();
        assertEquals(8, dev.moegen.dsl.graph.LayerGraph.routerRows(s), "W_noise adds E router rows");
        int n = 20_000;
        double[] logits = new double[n * 8];
        for (int t = 0; t < n; t++) { logits[t * 8] = 0.25; logits[t * 8 + 4] = 1.0; logits[t * 8 + 5] = -30; }
        double[] h = Reference.gateLogits(new LayerInputs(s, n, null, null, null, null, null, null, null, null, 3), logits);
        double sp = Math.log1p(Math.E), mean = 0, var = 0;
        for (int t = 0; t < n; t++) mean += (h[t * 4] - 0.25) / n;
        for (int t = 0; t < n; t++) var += Math.pow(h[t * 4] - 0.25 - mean, 2) / n;
        assertEquals(0, mean, 0.02 * sp);
        assertEquals(sp * sp, var, 0.03 * sp * sp);
        for (int t = 0; t < n; t++) assertEquals(0, h[t * 4 + 1], 1e-12, "softplus(-30) ~ 1e-13: no noise");
        MoeLayerSpec plain = small().experts(4, 2).build();
        double[] l4 = {0.1, 0.2, 0.3, 0.4};
        assertArrayEquals(l4, Reference.gateLogits(new LayerInputs(plain, 1, null, null, null, null, null, null, null, null, 3), l4), "no noise unless asked");
    }

    @Test
    void sharedExpertSlicesEqualADenseFfnOfFullWidth() {
        // One gated shared expert of width 3·I, riding the GroupGEMMs as 3 slices, vs. a dense FFN of width 3·I.
        MoeLayerSpec s = small().experts(4, 2).shared(1, 48, true).build();
        LayerInputs in = LayerInputs.random(s, 3, 5);
        LayerResult r = Reference.forward(in, 4);
        int h = s.hidden(), i = s.intermediate(), n1 = in.n1();
        for (int t = 0; t < 3; t++) {
            double[] routed = new double[h];
            for (int j = 0; j < 2; j++) {
                double[] o = ffn(in, r.routing().id(t, j), t);
                for (int c = 0; c < h; c++) routed[c] += r.routing().weights()[t * 5 + j] * o[c];
            }
            // dense shared FFN: gate/up rows and down columns of the 3 slices concatenated
            double[] act = new double[3 * i];
            for (int c = 0; c < 3 * i; c++) {
                int e = 4 + c / i, cc = c % i;
                double g = 0, u = 0;
                for (int q = 0; q < h; q++) {
                    g += in.x()[t * h + q] * (double) in.w13()[(e * n1 + cc) * h + q];
                    u += in.x()[t * h + q] * (double) in.w13()[(e * n1 + i + cc) * h + q];
                }
                act[c] = Activation.SWIGLU.apply(g, u);
            }
            double gateLogit = 0;
            for (int q = 0; q < h; q++) gateLogit += in.x()[t * h + q] * (double) in.wRouter()[4 * h + q];
            double gate = 1 / (1 + Math.exp(-gateLogit));
            for (int c = 0; c < h; c++) {
                double dense = 0;
                for (int q = 0; q < 3 * i; q++) dense += act[q] * in.w2()[((4 + q / i) * h + c) * i + q % i];
                assertEquals(routed[c] + gate * dense, r.y()[t * h + c], 1e-12);
            }
        }
    }

    @Test
    void compareFailsNaNAndUnwrittenAndPassesRounding() {
        double[] ref = {1.0, -2.0, 3.0, 0.5};
        float[] ok = {DType.BF16.round(1.0f), DType.BF16.round(-2.0f), DType.BF16.round(3.001f), DType.BF16.round(0.5f)};
        assertTrue(Compare.close("x", ok, ref, Tolerance.forDtype(DType.BF16)).pass());
        float[] nan = ok.clone();
        nan[2] = Float.NaN;
        CompareResult r = Compare.close("x", nan, ref, Tolerance.forDtype(DType.BF16));
        assertFalse(r.pass());
        assertEquals(2, r.worstIndex());
        assertTrue(Compare.close("x", new float[] {Float.NaN}, new double[] {Double.NaN}, Tolerance.forDtype(DType.FP32)).pass());
        float[] off = {1.0f, -2.0f, 3.1f, 0.5f};
        assertFalse(Compare.close("x", off, ref, Tolerance.forDtype(DType.BF16)).pass());
        assertTrue(Compare.exact("ids", new int[] {1, 2, 9}, new int[] {1, 2, 7}, 2).pass());
        assertFalse(Compare.exact("ids", new int[] {1, 2, 9}, new int[] {1, 2, 7}, 3).pass());
    }

    @Test
    void topKCheckAcceptsNearTiesOnlyAndForcesTheKernelsPick() {
        double[] sel = {0.5, 0.3, 0.3000001, 0.1};
        // reference picks {0, 2}; a kernel that picks {0, 1} is within 1e-6 of the 2nd score
        TopKCheck.Result near = TopKCheck.compare(sel, 4, 2, 2, new int[] {0, 2}, new int[] {0, 1}, 1, 1e-5);
        assertTrue(near.pass());
        assertEquals(1, near.nearTies());
        assertArrayEquals(new int[] {0, 1}, near.forced()[0]);
        TopKCheck.Result far = TopKCheck.compare(sel, 4, 2, 2, new int[] {0, 2}, new int[] {0, 3}, 1, 1e-5);
        assertFalse(far.pass());
        assertFalse(TopKCheck.compare(sel, 4, 2, 2, new int[] {0, 2}, new int[] {0, 0}, 1, 1e-5).pass());
    }

    @Test
    void loadStatsFollowSwitch() {
        // 4 tokens, 2 experts, perfectly balanced top-1 with uniform probabilities -> aux loss 1
        RoutingResult r = new RoutingResult(4, 1, new int[] {0, 1, 0, 1}, new double[4]);
        LoadStats st = LoadStats.of(r, r, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, new double[8], 2, 1, new float[] {0.25f, -0.5f}, 0.001);
        assertEquals(1.0, st.auxLoss(), 1e-12);
        assertArrayEquals(new long[] {2, 2}, st.tokensPerExpert());
        assertEquals(Math.log(2) * Math.log(2), st.zLoss(), 1e-12, "z-loss: logsumexp of two zero logits, squared");
        assertArrayEquals(new double[] {0.25f, -0.5f}, st.updatedBias(), 1e-12, "balanced: the bias stays");
        RoutingResult skewed = new RoutingResult(4, 1, new int[] {0, 0, 0, 0}, new double[4]);
        RoutingResult kept = new RoutingResult(4, 1, new int[] {0, 0, -1, -1}, new double[4]);
        LoadStats s2 = LoadStats.of(skewed, kept, new double[] {1, 0, 1, 0, 1, 0, 1, 0}, new double[] {3, 1, 3, 1, 3, 1, 3, 1}, 2, 1, new float[] {0, 0}, 0.01);
        assertEquals(2.0, s2.auxLoss(), 1e-12, "all load on one expert = E");
        assertEquals(2, s2.dropped());
        double lse = 3 + Math.log1p(Math.exp(-2));
        assertEquals(lse * lse, s2.zLoss(), 1e-12);
        assertArrayEquals(new double[] {-0.01, 0.01}, s2.updatedBias(), 1e-12, "DeepSeek-V3: the overloaded expert's bias falls by γ, the idle one's rises");
        assertEquals(2.0, s2.maxOverMean(), 1e-12);
        assertEquals(1, s2.expertsUsed());
    }

    @Test
    void aNaNTokenSelectsTheLowestIdsAndANaNExpertRanksLast() {
        var s = MoeLayerSpec.builder("nan").dtype(DType.FP32).hidden(16).intermediate(8).experts(8, 3).build();
        LayerInputs in = LayerInputs.random(s, 2, 5);
        double[] logits = new double[2 * 8];
        for (int j = 0; j < 8; j++) logits[j] = Double.NaN;       // token 0: every logit NaN
        for (int j = 0; j < 8; j++) logits[8 + j] = j;            // token 1: expert 7 best ...
        logits[8 + 7] = Double.NaN;                                // ... but its logit is NaN
        var r = Reference.route(in, logits, null);
        assertArrayEquals(new int[] {0, 1, 2}, java.util.Arrays.copyOfRange(r.ids(), 0, 3), "all NaN: ties to the lower index");
        assertTrue(Double.isNaN(r.weights()[0]), "the weights stay NaN: the output reports it");
        assertArrayEquals(new int[] {0, 1, 2}, java.util.Arrays.copyOfRange(r.ids(), 3, 6), "softmax over a NaN row is NaN everywhere");
        var sig = MoeLayerSpec.builder("nan-sigmoid").dtype(DType.FP32).hidden(16).intermediate(8).experts(8, 3)
                .routing(new Routing(Scoring.SIGMOID, false, 1, 1, false, 1.0, false)).build();
        var rs = Reference.route(LayerInputs.random(sig, 2, 5), logits, null);
        assertArrayEquals(new int[] {6, 5, 4}, java.util.Arrays.copyOfRange(rs.ids(), 3, 6), "sigmoid: only expert 7 is NaN, and it ranks last");
    }
}

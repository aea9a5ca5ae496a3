package dev.moegen.verify.reference;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.Activation;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import dev.moegen.dsl.layer.GroupScore;
import dev.moegen.dsl.layer.Routing;
import dev.moegen.dsl.layer.Scoring;
import dev.moegen.dsl.layer.SecondExpertPolicy;
import java.util.Arrays;

/**
 * The layer as it must compute, op by op, in double precision on dtype-rounded inputs. Every
 * kernel is checked against these functions. Ties in every selection go to the lower index.
 */
public final class Reference {
    private Reference() {}

    /** logits[T, R] = x · wRouterᵀ (+ bias); R = {@link LayerGraph#routerRows}. */
    public static double[] routerLogits(LayerInputs in) {
        MoeLayerSpec s = in.spec();
        int t = in.tokens(), h = s.hidden(), r = LayerGraph.routerRows(s);
        double[] out = new double[t * r];
        for (int tok = 0; tok < t; tok++)
            for (int e = 0; e < r; e++) {
                double acc = dot(in.x(), tok * h, in.wRouter(), e * h, h);
                if (in.bRouter() != null && e < s.experts()) acc += in.bRouter()[e];
                out[tok * r + e] = stored(DType.FP32, acc);
            }
        return out;
    }

    /**
     * Gate logits [T, E]: the router's expert rows, plus, with noisy gating, ε · softplus(noise row) with ε ~ N(0, 1)
     * drawn for (seed, token, expert) from {@link Philox} (Shazeer et al. 2017).
     */
    public static double[] gateLogits(LayerInputs in, double[] logits) {
        MoeLayerSpec s = in.spec();
        int tokens = in.tokens(), e = s.experts(), r = LayerGraph.routerRows(s), noise = LayerGraph.noiseRow(s);
        double[] out = new double[tokens * e];
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < e; j++) {
                double v = logits[t * r + j];
                if (s.routing().noisyGating()) v += Philox.normal(in.noiseSeed(), t, j, Philox.NOISE_STREAM) * softplus(logits[t * r + noise + j]);
                out[t * e + j] = v;
            }
        return out;
    }

    /** log(1 + e^x), as the kernels compute it: x itself past 20, where the two agree in float. */
    static double softplus(double x) {
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    /** scores[T, E] from logits[T, R] (the gate row of a gated shared expert is not a score; noise rows perturb them first). */
    public static double[] scores(LayerInputs in, double[] logits) {
        MoeLayerSpec s = in.spec();
        int tokens = in.tokens(), e = s.experts();
        double[] h = gateLogits(in, logits);
        double[] out = new double[tokens * e];
        for (int t = 0; t < tokens; t++) {
            if (s.routing().scoring() == Scoring.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < e; j++) max = Math.max(max, h[t * e + j]);
                double sum = 0;
                for (int j = 0; j < e; j++) sum += out[t * e + j] = Math.exp(h[t * e + j] - max);
                for (int j = 0; j < e; j++) out[t * e + j] /= sum;
            } else {
                for (int j = 0; j < e; j++) out[t * e + j] = sigmoid(h[t * e + j]);
            }
        }
        return out;
    }

    /**
     * Scores the selection ranks: scores + correction bias when the spec has one, a NaN ranked as -inf (the
     * lowest; ties go to the lower index), as the gating kernel ranks them, so a NaN input still selects valid,
     * distinct experts.
     */
    public static double[] selectionScores(LayerInputs in, double[] scores) {
        int e = in.spec().experts();
        double[] out = scores.clone();
        for (int k = 0; k < out.length; k++) out[k] = rankKey(in.correctionBias() == null ? out[k] : out[k] + in.correctionBias()[k % e]);
        return out;
    }

    /** A NaN ranks as -inf. */
    public static double rankKey(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /** The k best of {@code values[from, from+n)} restricted to {@code allowed} (null = all); best first, ties to the lower index. */
    public static int[] topK(double[] values, int from, int n, int k, boolean[] allowed) {
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) idx[j] = j;
        Arrays.sort(idx, (a, b) -> {
            boolean oa = allowed == null || allowed[a], ob = allowed == null || allowed[b];
            if (oa != ob) return oa ? -1 : 1;
            int c = Double.compare(values[from + b], values[from + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[k];
        for (int j = 0; j < k; j++) out[j] = idx[j];
        return out;
    }

    /** Experts a token may pick under grouped top-k: those in its best {@code topkGroup} groups. */
    public static boolean[] allowedExperts(Routing r, double[] selection, int from, int experts) {
        if (!r.grouped()) return null;
        int per = experts / r.nGroup();
        double[] groupScore = new double[r.nGroup()];
        for (int g = 0; g < r.nGroup(); g++) {
            int[] top2 = topK(selection, from + g * per, per, Math.min(2, per), null);
            double best = selection[from + g * per + top2[0]];
            groupScore[g] = rankKey(r.groupScore() == GroupScore.MAX ? best : best + selection[from + g * per + top2[1]]);
        }
        boolean[] allowed = new boolean[experts];
        for (int g : topK(groupScore, 0, r.nGroup(), r.topkGroup(), null))
            Arrays.fill(allowed, g * per, (g + 1) * per, true);
        return allowed;
    }

    /**
     * Selection and weights for every token: routed slots then shared-expert slots.
     * {@code forced}, when not null, holds per-token routed picks (null entries = choose) that replace
     * the selection; weights are then computed for those picks as usual.
     */
    public static RoutingResult route(LayerInputs in, double[] logits, int[][] forced) {
        MoeLayerSpec s = in.spec();
        Routing r = s.routing();
        if (r.expertChoice()) return routeExpertChoice(in, logits, forced);
        int tokens = in.tokens(), e = s.experts(), k = s.topK(), slots = s.slotsPerToken();
        double[] scores = scores(in, logits);
        double[] sel = selectionScores(in, scores);
        int[] ids = new int[tokens * slots];
        double[] w = new double[tokens * slots];
        for (int t = 0; t < tokens; t++) {
            boolean chosen = forced != null && forced[t] != null; // a forced pick carries its dispatch decision too
            int[] pick = chosen ? forced[t] : topK(sel, t * e, e, k, allowedExperts(r, sel, t * e, e));
            double sum = 0; // the picked weights' p-norm: their sum for p = 1
            for (int j = 0; j < k; j++) sum += Math.pow(scores[t * e + expertOf(pick[j])], r.renormalizeP());
            sum = Math.pow(sum, 1 / r.renormalizeP());
            for (int j = 0; j < k; j++) {
                double v = scores[t * e + expertOf(pick[j])];
                if (r.renormalize()) v /= sum;
                ids[t * slots + j] = pick[j];
                w[t * slots + j] = v * r.routedScalingFactor();
                if (j == 1 && !chosen && r.secondExpertPolicy() == SecondExpertPolicy.RANDOM && !(2 * v > secondExpertCoin(in, t)))
                    ids[t * slots + j] = notDispatched(pick[j]);
            }
            sharedSlots(s, logits, t, ids, w);
        }
        return new RoutingResult(tokens, slots, ids, w);
    }

    /** Token t's shared-expert slots, after its routed ones: ids E, E+1, ..., weight 1 or sigmoid of the shared gate's row. */
    private static void sharedSlots(MoeLayerSpec s, double[] logits, int t, int[] ids, double[] w) {
        int e = s.experts(), slots = s.slotsPerToken(), routed = s.routedSlots();
        double sharedWeight = s.shared() != null && s.shared().gated() ? sigmoid(logits[t * LayerGraph.routerRows(s) + e]) : 1.0;
        for (int j = routed; j < slots; j++) {
            ids[t * slots + j] = e + (j - routed);
            w[t * slots + j] = sharedWeight;
        }
    }

    /**
     * Expert choice (Zhou et al. 2022): expert e takes the C tokens with the highest scores[t, e] (a NaN ranks lowest,
     * ties to the lower token), C = {@link MoeLayerSpec#expertChoiceTokens}; slot e of token t holds e when chosen, else
     * −1 − e; every routed slot's weight is the score × routed_scaling_factor. {@code forced}, when not null, holds per
     * token the E routed ids to use instead (a device's choice accepted as a near tie).
     */
    static RoutingResult routeExpertChoice(LayerInputs in, double[] logits, int[][] forced) {
        MoeLayerSpec s = in.spec();
        int tokens = in.tokens(), e = s.experts(), slots = s.slotsPerToken();
        double[] scores = scores(in, logits);
        int[] ids = new int[tokens * slots];
        double[] w = new double[tokens * slots];
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < e; j++) {
                ids[t * slots + j] = notDispatched(j);
                w[t * slots + j] = scores[t * e + j] * s.routing().routedScalingFactor();
            }
        int c = Math.toIntExact(s.expertChoiceTokens(tokens));
        double[] column = new double[tokens];
        for (int j = 0; j < e; j++) {
            for (int t = 0; t < tokens; t++) column[t] = rankKey(scores[t * e + j]);
            for (int t : topK(column, 0, tokens, c, null)) ids[t * slots + j] = j;
        }
        for (int t = 0; t < tokens; t++) {
            if (forced != null && forced[t] != null) System.arraycopy(forced[t], 0, ids, t * slots, e);
            sharedSlots(s, logits, t, ids, w);
        }
        return new RoutingResult(tokens, slots, ids, w);
    }

    /** GShard's u for token t: the second pick is dispatched when 2·g₂ > u. */
    public static double secondExpertCoin(LayerInputs in, int token) {
        return Philox.uniform(in.noiseSeed(), token, 0, Philox.SECOND_EXPERT_STREAM);
    }

    /**
     * The id of a pick the router chose but does not dispatch (GShard's second expert lost its coin toss): −1 − e, so
     * it reads as dropped everywhere (any negative id is) and still names its expert.
     */
    public static int notDispatched(int expert) {
        return -1 - expert;
    }

    /** The expert a routed id names, dispatched or not. */
    public static int expertOf(int id) {
        return id < 0 ? -1 - id : id;
    }

    /**
     * Capacity limit: each routed expert keeps its first C assignments in flat (token, slot) order, over all T
     * tokens or, when the spec splits T into sequences, afresh in each sequence; later ones become −1. Shared
     * slots are never dropped.
     */
    public static RoutingResult applyCapacity(MoeLayerSpec s, RoutingResult routing) {
        if (s.dropless()) return routing;
        int slots = routing.slots();
        long cap = s.perSequence() ? s.sequenceCapacity() : s.capacity(routing.tokens());
        int perSequence = s.perSequence() ? s.sequenceLength() * slots : Integer.MAX_VALUE;
        long[] used = new long[s.experts()];
        int[] ids = routing.ids().clone();
        for (int a = 0; a < ids.length; a++) {
            if (a % perSequence == 0) Arrays.fill(used, 0);
            int id = ids[a];
            if (id < 0 || id >= s.experts()) continue;
            if (used[id]++ >= cap) ids[a] = -1;
        }
        return new RoutingResult(routing.tokens(), slots, ids, routing.weights());
    }

    /** Stable counting sort of assignments by expert, each expert's run padded to {@code blockM}. */
    public static Alignment align(int[] ids, int experts, int blockM) {
        int n = ids.length;
        int[] count = new int[experts];
        for (int id : ids) if (id >= 0) count[id]++;
        int[] start = new int[experts];
        int total = 0;
        for (int e = 0; e < experts; e++) {
            start[e] = total;
            total += (count[e] + blockM - 1) / blockM * blockM;
        }
        int cap = Alignment.maxPadded(n, experts, blockM);
        cap = (cap + blockM - 1) / blockM * blockM;
        int[] sorted = new int[cap];
        Arrays.fill(sorted, n);
        int[] expertIds = new int[cap / blockM];
        Arrays.fill(expertIds, -1);
        int[] pos = new int[n];
        int[] next = start.clone();
        for (int a = 0; a < n; a++) {
            int id = ids[a];
            if (id < 0) {
                pos[a] = -1;
                continue;
            }
            pos[a] = next[id]++;
            sorted[pos[a]] = a;
        }
        for (int e = 0; e < experts; e++) {
            int blocks = (count[e] + blockM - 1) / blockM;
            for (int b = 0; b < blocks; b++) expertIds[start[e] / blockM + b] = e;
        }
        return new Alignment(blockM, sorted, expertIds, total, pos);
    }

    /** GEMM 1 + activation: inter[p, I] for each sorted position p holding an assignment (padding rows stay 0). */
    public static double[] groupGemm1(LayerInputs in, Alignment al) {
        MoeLayerSpec s = in.spec();
        int h = s.hidden(), i = s.intermediate(), n1 = in.n1(), slots = s.slotsPerToken();
        Activation act = s.activation();
        double[] inter = new double[al.numTokensPostPadded() * i];
        for (int p = 0; p < al.numTokensPostPadded(); p++) {
            int a = al.sortedTokenIds()[p];
            if (a >= al.sentinel()) continue;
            int e = al.expertIds()[p / al.blockM()], tok = a / slots;
            for (int c = 0; c < i; c++) {
                double gate = stored(DType.FP32, dot(in.x(), tok * h, in.w13(), (e * n1 + c) * h, h));
                if (in.b13() != null) gate += in.b13()[e * n1 + c];
                double up = 0;
                if (act.gated()) {
                    up = stored(DType.FP32, dot(in.x(), tok * h, in.w13(), (e * n1 + i + c) * h, h));
                    if (in.b13() != null) up += in.b13()[e * n1 + i + c];
                }
                inter[p * i + c] = stored(s.dtype(), act.apply(gate, up));
            }
        }
        return inter;
    }

    /** GEMM 2 × routing weight: out[p, H] for each sorted position p holding an assignment. */
    public static double[] groupGemm2(LayerInputs in, Alignment al, double[] inter, RoutingResult routing) {
        MoeLayerSpec s = in.spec();
        int h = s.hidden(), i = s.intermediate();
        double[] out = new double[al.numTokensPostPadded() * h];
        for (int p = 0; p < al.numTokensPostPadded(); p++) {
            int a = al.sortedTokenIds()[p];
            if (a >= al.sentinel()) continue;
            int e = al.expertIds()[p / al.blockM()];
            double wgt = routing.weights()[a];
            for (int c = 0; c < h; c++) {
                double acc = 0;
                for (int j = 0; j < i; j++) acc += inter[p * i + j] * in.w2()[(e * h + c) * i + j];
                acc = stored(DType.FP32, acc);
                if (in.b2() != null) acc += in.b2()[e * h + c];
                out[p * h + c] = stored(DType.FP32, acc * wgt);
            }
        }
        return out;
    }

    /** y[t] = Σ_slot out[position(t, slot)], slots in order, dropped slots skipped. */
    public static double[] combine(MoeLayerSpec s, int tokens, Alignment al, double[] out) {
        int h = s.hidden(), slots = s.slotsPerToken();
        double[] y = new double[tokens * h];
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < slots; j++) {
                int p = al.slotPosition()[t * slots + j];
                if (p < 0) continue;
                for (int c = 0; c < h; c++) y[t * h + c] += out[p * h + c];
            }
        for (int k = 0; k < y.length; k++) y[k] = stored(s.dtype(), y[k]);
        return y;
    }

    /** The whole layer with every intermediate, for kernel-by-kernel comparison. */
    public static LayerResult forward(LayerInputs in, int blockM, int[][] forced) {
        double[] logits = routerLogits(in);
        double[] scores = scores(in, logits);
        double[] sel = selectionScores(in, scores);
        RoutingResult routing = applyCapacity(in.spec(), route(in, logits, forced));
        Alignment al = align(routing.ids(), in.spec().totalExperts(), blockM);
        double[] inter = groupGemm1(in, al);
        double[] out = groupGemm2(in, al, inter, routing);
        return new LayerResult(logits, scores, sel, routing, al, inter, out, combine(in.spec(), in.tokens(), al, out));
    }

    public static LayerResult forward(LayerInputs in, int blockM) {
        return forward(in, blockM, null);
    }

    /**
     * {@code v} as a tensor (or an fp32 accumulator) of dtype {@code d} holds it: past the largest finite value it
     * overflows to ±inf, as in the kernels, so extreme inputs give the same inf and NaN there as here. The mantissa is
     * kept: rounding is what the tolerances cover.
     */
    public static double stored(DType d, double v) {
        double max = switch (d) {
            case FP16 -> 65504.0;
            case BF16 -> 3.3895313892515355e38;
            default -> Float.MAX_VALUE;
        };
        return Math.abs(v) > max ? Math.copySign(Double.POSITIVE_INFINITY, v) : v;
    }

    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double acc = 0;
        for (int j = 0; j < n; j++) acc += (double) a[ao + j] * b[bo + j];
        return acc;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}

package dev.moegen.verify.compare;

import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact top-k comparison that tolerates near ties. A token whose picks differ from the reference is
 * accepted when each kernel pick is distinct, allowed (its group was kept, re-derived the same
 * way), and its selection score is within {@code eps} of the reference's k-th score, in
 * non-increasing order up to {@code eps}. Accepted tokens are returned as forced picks: the caller
 * re-runs the reference with them ({@link Reference#forward(LayerInputs, int, int[][])}) and checks
 * the rest against that.
 */
public final class TopKCheck {
    private TopKCheck() {}

    public record Result(int tokens, int exactTokens, int nearTies, List<String> failures, int[][] forced) {
        public boolean pass() {
            return failures.isEmpty();
        }

        public String summary() {
            return String.format("top-k ids: %s %d/%d tokens exact, %d near-tie substitutions%s", pass() ? "PASS" : "FAIL",
                    exactTokens, tokens, nearTies, pass() ? "" : "; " + String.join("; ", failures.subList(0, Math.min(3, failures.size()))));
        }
    }

    /**
     * @param selection reference selection scores [T, E]
     * @param refIds    reference routed ids [T, slots] (first k of each row compared)
     * @param actualIds kernel ids, same layout
     * @param eps       absolute score slack for a near tie
     */
    public static Result compare(double[] selection, int experts, int k, int slots, int[] refIds, int[] actualIds, int tokens, double eps) {
        int exact = 0, ties = 0;
        List<String> failures = new ArrayList<>();
        int[][] forced = new int[tokens][];
        for (int t = 0; t < tokens; t++) {
            int[] ref = Arrays.copyOfRange(refIds, t * slots, t * slots + k);
            int[] act = Arrays.copyOfRange(actualIds, t * slots, t * slots + k);
            if (Arrays.equals(ref, act)) {
                exact++;
                continue;
            }
            String why = nearTieProblem(selection, t * experts, experts, ref, act, eps);
            if (why == null) {
                ties++;
                forced[t] = act;
            } else {
                failures.add("token " + t + ": got " + Arrays.toString(act) + " want " + Arrays.toString(ref) + " (" + why + ")");
            }
        }
        return new Result(tokens, exact, ties, failures, ties > 0 ? forced : null);
    }

    private static String nearTieProblem(double[] sel, int from, int experts, int[] ref, int[] act, double eps) {
        double kth = sel[from + ref[ref.length - 1]];
        boolean[] seen = new boolean[experts];
        double prev = Double.POSITIVE_INFINITY;
        for (int id : act) {
            if (id < 0 || id >= experts) return "id " + id + " out of range" + (id < -1 && -1 - id < experts ? " (not dispatched)" : "");
            if (seen[id]) return "id " + id + " picked twice";
            seen[id] = true;
            double v = sel[from + id];
            if (v < kth - eps) return "expert " + id + " scores " + v + ", below k-th " + kth + " by more than " + eps;
            if (v > prev + eps) return "picks not in descending score order";
            prev = v;
        }
        return null;
    }

    /**
     * A layer's routed ids against the reference selection computed from {@code logits} (the
     * device's own, or the reference's), with the near-tie slack of an fp32 router GEMM over H.
     */
    public static Result check(LayerInputs in, double[] logits, int[] ids) {
        var s = in.spec();
        if (s.routing().expertChoice()) return expertChoice(in, logits, ids);
        double[] sel = Reference.selectionScores(in, Reference.scores(in, logits));
        var route = Reference.route(in, logits, null);
        int[] ref = route.ids(), seen = ids;
        int[][] coinForced = null;
        int slots = s.slotsPerToken(), coinTies = 0;
        if (s.routing().secondExpertPolicy() == dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM) {
            // GShard's coin: 2·g₂ against u. Where the two differ by less than fp32 noise the device's decision stands.
            seen = ids.clone();
            for (int t = 0; t < in.tokens(); t++) {
                int a = t * slots + 1;
                if (ids[a] == ref[a] || ids[t * slots] != ref[t * slots] || Reference.expertOf(ids[a]) != Reference.expertOf(ref[a])) continue;
                double g2 = route.weights()[a] / s.routing().routedScalingFactor();
                if (Math.abs(2 * g2 - Reference.secondExpertCoin(in, t)) > COIN_SLACK) continue;
                if (coinForced == null) coinForced = new int[in.tokens()][];
                coinForced[t] = java.util.Arrays.copyOfRange(ids, t * slots, t * slots + s.topK());
                seen[a] = ref[a];
                coinTies++;
            }
        }
        Result r = compare(sel, s.experts(), s.topK(), slots, ref, seen, in.tokens(),
                epsilon(Tolerance.forDtype(dev.moegen.dsl.types.DType.FP32).forReduction(s.hidden()), sel));
        if (coinForced == null) return r;
        int[][] forced = r.forced() == null ? coinForced : r.forced();
        for (int t = 0; t < in.tokens(); t++) if (coinForced[t] != null && forced[t] == null) forced[t] = coinForced[t];
        return new Result(r.tokens(), r.exactTokens() - coinTies, r.nearTies() + coinTies, r.failures(), forced);
    }

    /**
     * Expert choice: every expert must take exactly C tokens, and where its set differs from the reference's, each token
     * in the difference must score within the near-tie slack of the expert's C-th score. Tokens so accepted are forced
     * (their E routed ids from the device).
     */
    static Result expertChoice(LayerInputs in, double[] logits, int[] ids) {
        var s = in.spec();
        int tokens = in.tokens(), experts = s.experts(), slots = s.slotsPerToken(), c = Math.toIntExact(s.expertChoiceTokens(tokens));
        double[] scores = Reference.scores(in, logits);
        int[] ref = Reference.route(in, logits, null).ids();
        double eps = epsilon(Tolerance.forDtype(dev.moegen.dsl.types.DType.FP32).forReduction(s.hidden()), scores);
        List<String> failures = new ArrayList<>();
        boolean[] differs = new boolean[tokens];
        for (int e = 0; e < experts; e++) {
            int chosen = 0;
            double kth = Double.POSITIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                int id = ids[t * slots + e];
                if (id != e && id != Reference.notDispatched(e)) failures.add("token " + t + " slot " + e + ": id " + id + " (want " + e + " or " + Reference.notDispatched(e) + ")");
                if (id == e) chosen++;
                if (ref[t * slots + e] == e) kth = Math.min(kth, Reference.rankKey(scores[t * experts + e]));
            }
            if (chosen != c) failures.add("expert " + e + " took " + chosen + " tokens, want C = " + c);
            for (int t = 0; t < tokens; t++) {
                if (ids[t * slots + e] == ref[t * slots + e]) continue;
                differs[t] = true;
                double v = Reference.rankKey(scores[t * experts + e]);
                if (!(Math.abs(v - kth) <= eps))
                    failures.add("expert " + e + (ids[t * slots + e] == e ? " chose" : " skipped") + " token " + t + ": score " + v + ", C-th " + kth + " (slack " + eps + ")");
            }
        }
        int[][] forced = new int[tokens][];
        int ties = 0;
        for (int t = 0; t < tokens; t++)
            if (differs[t]) {
                forced[t] = java.util.Arrays.copyOfRange(ids, t * slots, t * slots + experts);
                ties++;
            }
        return new Result(tokens, tokens - ties, ties, failures, ties > 0 ? forced : null);
    }

    /** How close 2·g₂ and u may be for the device's and the reference's coin tosses to differ: fp32 weights. */
    static final double COIN_SLACK = 1e-5;

    /** Score slack for a near tie: relative to the k-th score's size at the dtype's precision. */
    public static double epsilon(Tolerance tol, double[] selection) {
        double max = 0;
        for (double v : selection) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v)); // a NaN row ranks as -inf
        return Math.max(tol.rtol(), 1e-5) * Math.max(max, 1e-3);
    }
}

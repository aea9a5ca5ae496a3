package dev.moegen.verify.stats;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.Reference;
import dev.moegen.verify.reference.RoutingResult;

/**
 * Expert load from routing, as in Switch Transformer: f_i = share of routed assignments the router asked of expert i,
 * P_i = mean router probability of expert i, and the auxiliary load-balancing loss E · Σ f_i · P_i (1 when perfectly
 * balanced; multiply by the training coefficient α). Sigmoid scores are first normalised to sum 1 per token, as
 * DeepSeek-V3's balance loss does. The router z-loss (ST-MoE) is mean over tokens of logsumexp(gate logits)²; with a
 * correction bias, DeepSeek-V3's auxiliary-loss-free update is b_i + γ · sign(T·K/E − count_i). What the load-statistics
 * kernel computes, in double precision.
 *
 * @param updatedBias null without a correction bias
 */
public record LoadStats(long[] tokensPerExpert, double[] f, double[] p, double auxLoss, double zLoss, long dropped, double[] updatedBias) {

    /**
     * @param logits router logits [T, R] (the device's, or the reference's)
     * @param routing routing before the capacity limit (f counts what the router asked for; an undispatched pick counts)
     * @param kept    routing after it (negative = not computed); the same object when dropless
     */
    public static LoadStats of(LayerInputs in, double[] logits, RoutingResult routing, RoutingResult kept) {
        MoeLayerSpec s = in.spec();
        return of(routing, kept, Reference.scores(in, logits), Reference.gateLogits(in, logits), s.experts(), s.routedSlots(),
                in.correctionBias(), s.routing().biasUpdateSpeed(), s.routing().expertChoice());
    }

    /** Token choice: from routed ids, probabilities [T, E] and gate logits [T, E] (null: no z-loss), with an optional correction bias. */
    public static LoadStats of(RoutingResult routing, RoutingResult kept, double[] scores, double[] gateLogits, int experts, int topK,
                               float[] bias, double gamma) {
        return of(routing, kept, scores, gateLogits, experts, topK, bias, gamma, false);
    }

    /**
     * @param routedSlots  routed slots per token (top-k; E under expert choice)
     * @param expertChoice count the tokens each expert chose (slot e holds e) rather than every pick asked for
     */
    public static LoadStats of(RoutingResult routing, RoutingResult kept, double[] scores, double[] gateLogits, int experts, int routedSlots,
                               float[] bias, double gamma, boolean expertChoice) {
        int t = routing.tokens();
        long[] counts = new long[experts];
        long dropped = 0, routed = 0;
        for (int tok = 0; tok < t; tok++)
            for (int j = 0; j < routedSlots; j++) {
                int id = routing.id(tok, j);
                if (expertChoice && id < 0) continue;
                routed++;
                counts[Reference.expertOf(id)]++;
                if (kept.id(tok, j) < 0) dropped++;
            }
        double[] rowSum = new double[t];
        for (int tok = 0; tok < t; tok++) for (int e = 0; e < experts; e++) rowSum[tok] += scores[tok * experts + e];
        double[] f = new double[experts], p = new double[experts];
        double aux = 0;
        for (int e = 0; e < experts; e++) {
            f[e] = routed == 0 ? 0 : (double) counts[e] / routed;
            double sum = 0;
            for (int tok = 0; tok < t; tok++) sum += rowSum[tok] == 0 ? 0 : scores[tok * experts + e] / rowSum[tok];
            p[e] = t == 0 ? 0 : sum / t;
            aux += f[e] * p[e];
        }
        double z = 0;
        if (gateLogits != null && t > 0) {
            for (int tok = 0; tok < t; tok++) {
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int e = 0; e < experts; e++) m = Math.max(m, gateLogits[tok * experts + e]);
                for (int e = 0; e < experts; e++) sum += Math.exp(gateLogits[tok * experts + e] - m);
                double lse = m + Math.log(sum);
                z += lse * lse;
            }
            z /= t;
        }
        double[] updated = null;
        if (bias != null) {
            double mean = (double) routed / experts;
            updated = new double[experts];
            for (int e = 0; e < experts; e++) updated[e] = bias[e] + gamma * Math.signum(mean - counts[e]);
        }
        return new LoadStats(counts, f, p, experts * aux, z, dropped, updated);
    }

    /** Experts the router sent at least one assignment. */
    public int expertsUsed() {
        int used = 0;
        for (long c : tokensPerExpert) if (c > 0) used++;
        return used;
    }

    /** The busiest expert's load over the mean load (1 = balanced). */
    public double maxOverMean() {
        long max = 0, sum = 0;
        for (long c : tokensPerExpert) { max = Math.max(max, c); sum += c; }
        return sum == 0 ? 0 : (double) max * tokensPerExpert.length / sum;
    }
}

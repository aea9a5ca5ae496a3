package dev.moegen.verify.stats;

import dev.moegen.verify.reference.RoutingResult;

/**
 * Expert load from routing, as in Switch Transformer: f_i = share of routed assignments sent to
 * expert i, P_i = mean router probability of expert i, and the auxiliary load-balancing loss
 * E · Σ f_i · P_i (1 when perfectly balanced; multiply by the training coefficient α). Sigmoid
 * scores are first normalised to sum 1 per token, as DeepSeek-V3's balance loss does.
 */
public record LoadStats(long[] tokensPerExpert, double[] f, double[] p, double auxLoss, long dropped) {

    /**
     * @param routing routing before the capacity limit (f counts what the router asked for)
     * @param kept    routing after it (−1 = dropped); the same object when dropless
     * @param scores  router probabilities [T, E]; the first {@code topK} slots of each token are routed
     */
    public static LoadStats of(RoutingResult routing, RoutingResult kept, double[] scores, int experts, int topK) {
        int t = routing.tokens();
        long[] counts = new long[experts];
        long dropped = 0, routed = 0;
        for (int tok = 0; tok < t; tok++)
            for (int j = 0; j < topK; j++) {
                routed++;
                counts[dev.moegen.verify.reference.Reference.expertOf(routing.id(tok, j))]++;
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
        return new LoadStats(counts, f, p, experts * aux, dropped);
    }
}

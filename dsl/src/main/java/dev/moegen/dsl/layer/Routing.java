package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a token picks its experts and their weights.
 *
 * @param scoring             softmax or sigmoid over router logits
 * @param renormalize         divide the k picked weights by their sum
 * @param nGroup              expert groups for grouped top-k (1 = plain top-k)
 * @param topkGroup           groups kept per token (group score = sum of its top-2 selection scores)
 * @param correctionBias      select on score + e_score_correction_bias, weight with the unbiased score
 * @param routedScalingFactor multiplies the final routed weights
 * @param routerBias          the router GEMM adds a bias (gpt-oss)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Routing(
        Scoring scoring,
        boolean renormalize,
        int nGroup,
        int topkGroup,
        boolean correctionBias,
        double routedScalingFactor,
        boolean routerBias) {

    public static Routing softmax(boolean renormalize) {
        return new Routing(Scoring.SOFTMAX, renormalize, 1, 1, false, 1.0, false);
    }

    public Routing withGroups(int nGroup, int topkGroup) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias);
    }

    public Routing withCorrectionBias(boolean on) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, on, routedScalingFactor, routerBias);
    }

    public Routing withScaling(double factor) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, factor, routerBias);
    }

    public Routing withRouterBias(boolean on) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, on);
    }

    public Routing withScoring(Scoring s) {
        return new Routing(s, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias);
    }

    public boolean grouped() {
        return nGroup > 1;
    }
}

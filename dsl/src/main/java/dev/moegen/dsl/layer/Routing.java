package dev.moegen.dsl.layer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a token picks its experts and their weights.
 *
 * @param scoring             softmax or sigmoid over router logits
 * @param renormalize         divide the k picked weights by their sum
 * @param nGroup              expert groups for grouped top-k (1 = plain top-k)
 * @param topkGroup           groups kept per token, by {@code groupScore}
 * @param correctionBias      select on score + e_score_correction_bias, weight with the unbiased score
 * @param routedScalingFactor multiplies the final routed weights
 * @param routerBias          the router GEMM adds a bias (gpt-oss)
 * @param groupScore          how a group is scored: top2_sum (DeepSeek-V3, the default) or max (DeepSeek-V2)
 * @param renormalizeP        with renormalize, divide the picked weights by their p-norm (DBRX's
 *                            moe_normalize_expert_weights); 1 (the default) divides by their sum
 * @param noisyGating         Shazeer et al. 2017: select on H = logits + ε·softplus(x·W_noise) (W_noise: E more router
 *                            rows), ε ~ N(0, 1) from the counter-based stream keyed by (seed, token, expert); off
 *                            (the default) for inference
 * @param secondExpertPolicy  all (the default), or random: GShard's top-2, the second pick dispatched only if 2·g₂ > u
 * @param strategy            token_choice (the default: each token its top-k) or expert_choice (each expert its top-C
 *                            tokens by score, C from the capacity rule; Zhou et al. 2022)
 * @param biasUpdateSpeed     γ of DeepSeek-V3's auxiliary-loss-free balancing, b ← b + γ·sign(mean load − load), which
 *                            the load-statistics kernel applies to e_score_correction_bias (default 0.001, the paper's)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Routing(
        Scoring scoring,
        boolean renormalize,
        int nGroup,
        int topkGroup,
        boolean correctionBias,
        double routedScalingFactor,
        boolean routerBias,
        GroupScore groupScore,
        Double renormalizeP,
        Boolean noisyGating,
        SecondExpertPolicy secondExpertPolicy,
        Double biasUpdateSpeed,
        RoutingStrategy strategy) {

    /** DeepSeek-V3's γ for the first 14.3T training tokens. */
    public static final double DEFAULT_BIAS_UPDATE_SPEED = 0.001;

    /** Spec files written before these fields read as the defaults: top-2 sum, p = 1, no noise, every pick dispatched. */
    public Routing {
        if (groupScore == null) groupScore = GroupScore.TOP2_SUM;
        if (renormalizeP == null) renormalizeP = 1.0;
        if (noisyGating == null) noisyGating = false;
        if (secondExpertPolicy == null) secondExpertPolicy = SecondExpertPolicy.ALL;
        if (biasUpdateSpeed == null) biasUpdateSpeed = DEFAULT_BIAS_UPDATE_SPEED;
        if (strategy == null) strategy = RoutingStrategy.TOKEN_CHOICE;
    }

    public Routing(Scoring scoring, boolean renormalize, int nGroup, int topkGroup, boolean correctionBias, double routedScalingFactor, boolean routerBias) {
        this(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, GroupScore.TOP2_SUM, 1.0, false, SecondExpertPolicy.ALL, DEFAULT_BIAS_UPDATE_SPEED, RoutingStrategy.TOKEN_CHOICE);
    }

    public static Routing softmax(boolean renormalize) {
        return new Routing(Scoring.SOFTMAX, renormalize, 1, 1, false, 1.0, false);
    }

    public Routing withGroupScore(GroupScore g) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, g, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withRenormalizeP(double p) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, p, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withGroups(int nGroup, int topkGroup) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withCorrectionBias(boolean on) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, on, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withScaling(double factor) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, factor, routerBias, groupScore, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withRouterBias(boolean on) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, on, groupScore, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withScoring(Scoring s) {
        return new Routing(s, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withNoisyGating(boolean on) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, on, secondExpertPolicy, biasUpdateSpeed, strategy);
    }

    public Routing withSecondExpertPolicy(SecondExpertPolicy p) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating, p, biasUpdateSpeed, strategy);
    }

    public Routing withBiasUpdateSpeed(double gamma) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating,
                secondExpertPolicy, gamma, strategy);
    }

    public Routing withStrategy(RoutingStrategy st) {
        return new Routing(scoring, renormalize, nGroup, topkGroup, correctionBias, routedScalingFactor, routerBias, groupScore, renormalizeP, noisyGating,
                secondExpertPolicy, biasUpdateSpeed, st);
    }

    /** Each expert picks its tokens (Zhou et al. 2022). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean expertChoice() {
        return strategy == RoutingStrategy.EXPERT_CHOICE;
    }

    /** The gating draws from the layer's random stream (noise, or GShard's second-expert coin): its kernels take a seed. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean random() {
        return noisyGating || secondExpertPolicy == SecondExpertPolicy.RANDOM;
    }

    public boolean grouped() {
        return nGroup > 1;
    }
}

package dev.moegen.dsl.ops;

/**
 * Expert-choice routing (Zhou et al. 2022): each expert takes the C tokens with its highest scores (ties to the lower
 * token), C = min(T, {@code fixed} or ceil(factor · T · topK / E)); a token goes to 0..E experts. Ids are [T, E]: slot
 * e holds e when expert e chose the token, −1 − e when not; the weights are the scores.
 */
public record ExpertChoice(int experts, int topK, Double factor, Integer fixed) implements Op {}

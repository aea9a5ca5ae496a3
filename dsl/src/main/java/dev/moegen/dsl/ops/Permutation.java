package dev.moegen.dsl.ops;

/**
 * Groups (token, slot) assignments by expert: counts per expert, exclusive prefix sum of the counts
 * padded to the GEMM's BLOCK_M, a stable scatter into {@code sorted_token_ids} (padding holds the
 * sentinel T·slots), one expert id per block, and {@code num_tokens_post_padded}.
 */
public record Permutation(int experts, int slotsPerToken) implements Op {}

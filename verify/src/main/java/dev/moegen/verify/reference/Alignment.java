package dev.moegen.verify.reference;

/**
 * The block-padded permutation. {@code sortedTokenIds[p]} holds the flat assignment index
 * t·slots + slot at sorted position p, or the sentinel T·slots in padding; {@code expertIds[b]} is
 * the expert of block b (−1 for blocks past {@code numTokensPostPadded});
 * {@code slotPosition[t·slots + slot]} is the inverse: the sorted position, −1 when dropped.
 */
public record Alignment(int blockM, int[] sortedTokenIds, int[] expertIds, int numTokensPostPadded, int[] slotPosition) {
    public int sentinel() {
        return slotPosition.length;
    }

    public int blocks() {
        return numTokensPostPadded / blockM;
    }

    /** Capacity of the sorted arrays for any routing: every expert may add a partial block. */
    public static int maxPadded(long assignments, int experts, int blockM) {
        return Math.toIntExact(Math.addExact(assignments, (long) experts * (blockM - 1)));
    }
}

package dev.moegen.verify.reference;

/**
 * Per token and slot: expert id and weight. Slots [0, K) are routed (best first), slots [K, K+S)
 * the shared-expert slices. An id of −1 marks an assignment dropped by the capacity limit.
 */
public record RoutingResult(int tokens, int slots, int[] ids, double[] weights) {
    public int id(int t, int slot) {
        return ids[t * slots + slot];
    }
}

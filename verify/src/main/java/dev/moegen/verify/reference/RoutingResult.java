package dev.moegen.verify.reference;

/**
 * Per token and slot: expert id and weight. Slots [0, K) are routed (best first), slots [K, K+S)
 * the shared-expert slices. A negative id marks an assignment that is not computed: −1 dropped by the capacity
 * limit, −1 − e expert e's pick that GShard's second-expert rule did not dispatch ({@link Reference#notDispatched}).
 */
public record RoutingResult(int tokens, int slots, int[] ids, double[] weights) {
    public int id(int t, int slot) {
        return ids[t * slots + slot];
    }
}

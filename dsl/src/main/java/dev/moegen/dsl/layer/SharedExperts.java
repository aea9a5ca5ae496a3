package dev.moegen.dsl.layer;

/**
 * Experts every token visits. {@code intermediate} is the width of one shared expert; it must be a
 * multiple of the routed width so a shared expert can ride the routed GroupGEMMs as
 * {@code intermediate / routed} extra expert ids ("slices"): an FFN of width m·I is the sum of m
 * FFNs over its column slices.
 *
 * @param count        shared experts (0 = none)
 * @param intermediate width of each
 * @param gated        output scaled by sigmoid(x · w_shared_gate), as in Qwen1.5/Qwen2-MoE
 */
public record SharedExperts(int count, int intermediate, boolean gated) {
    public static final SharedExperts NONE = new SharedExperts(0, 0, false);

    public boolean present() {
        return count > 0;
    }

    /** Extra expert ids the shared experts occupy next to routed width {@code routedIntermediate}. */
    public int slices(int routedIntermediate) {
        return present() ? count * (intermediate / routedIntermediate) : 0;
    }
}

package dev.moegen.harness.budget;

import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.PlannedBuffer;
import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.function.IntFunction;

/**
 * Estimates the memory a run needs before anything is allocated, so a layer too large for this machine is a clear
 * error (exit 2) with the estimate, the limit and a {@code --scale} that fits, instead of an integer overflow, an
 * OutOfMemoryError after seconds, or a device allocation failure after minutes.
 */
public final class MemoryBudget {
    /** Java arrays hold at most this many elements. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private MemoryBudget() {}

    /**
     * Host bytes of the reference check: inputs and weights as floats, the reference's double intermediates
     * (logits, scores, inter, expert outputs, y) and the device outputs read back as floats.
     */
    public static long referenceHostBytes(MoeLayerSpec s, long tokens, int blockM) {
        long h = s.hidden(), i = s.intermediate(), e2 = s.totalExperts(), n1 = s.activation().gemm1Width(s.intermediate()), r = LayerGraph.routerRows(s);
        long weights = sat(sat(e2 * n1, h) + sat(e2 * h, i) + r * h + 2 * e2 * (n1 + h));
        long padded = sat(tokens * s.slotsPerToken() + e2 * (blockM - 1) + blockM);
        long inter = sat(padded, i), out = sat(padded, h), act = sat(tokens, h);
        long doubles = sat(3 * sat(tokens, r) + inter + out + 2 * act);
        long floats = sat(weights + act + inter + out + act + sat(tokens, r));
        return sat(sat(8, doubles) + sat(4, floats));
    }

    /** The largest single host array of the reference check, in elements. */
    static long largestArray(MoeLayerSpec s, long tokens, int blockM) {
        long h = s.hidden(), e2 = s.totalExperts(), n1 = s.activation().gemm1Width(s.intermediate());
        long padded = sat(tokens * s.slotsPerToken() + e2 * (blockM - 1) + blockM);
        return Math.max(Math.max(sat(e2 * n1, h), sat(e2 * h, s.intermediate())), Math.max(sat(padded, h), sat(padded, s.intermediate())));
    }

    /** Device bytes of a plan's buffers sized for {@code maxTokens}. */
    public static long deviceBytes(KernelPlan plan, long maxTokens) {
        long total = 0;
        for (PlannedBuffer b : plan.buffers()) {
            try {
                total = sat(total + sat(plan.capacityElements(b.id(), maxTokens), b.dtype().bytes()));
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    /** Fails when the reference check of {@code s} at {@code tokens} cannot fit this JVM's heap or Java's array size. */
    public static void checkHost(MoeLayerSpec s, long tokens, int blockM) {
        long need = referenceHostBytes(s, tokens, blockM), have = Runtime.getRuntime().maxMemory();
        long biggest = largestArray(s, tokens, blockM);
        if (need <= have * 0.8 && biggest <= MAX_ARRAY) return;
        String why = biggest > MAX_ARRAY ? "one array of " + biggest + " elements (Java's limit is " + MAX_ARRAY + ")"
                : "about " + gib(need) + " of host memory for the reference check; this JVM may use " + gib(have);
        throw new IllegalArgumentException(s.name() + " at " + tokens + " tokens needs " + why + suggestion(
                sc -> referenceHostBytes(s.scaled(sc), tokens, blockM) <= have * 0.8 && largestArray(s.scaled(sc), tokens, blockM) <= MAX_ARRAY));
    }

    /** Fails when a plan's buffers for {@code maxTokens} cannot fit the device (0 = unknown size: not checked). */
    public static void checkDevice(KernelPlan plan, long maxTokens, long deviceBytes, IntFunction<KernelPlan> scaled) {
        if (deviceBytes <= 0) return;
        long need = deviceBytes(plan, maxTokens);
        if (need <= deviceBytes * 0.9) return;
        throw new IllegalArgumentException(plan.spec().name() + " at " + maxTokens + " tokens needs about " + gib(need) + " of device memory for its buffers; the device has "
                + gib(deviceBytes) + suggestion(sc -> deviceBytes(scaled.apply(sc), maxTokens) <= deviceBytes * 0.9));
    }

    private static String suggestion(java.util.function.IntPredicate fits) {
        for (int sc = 2; sc <= 1024; sc *= 2) {
            try {
                if (fits.test(sc)) return "; --scale " + sc + " fits (or fewer --tokens)";
            } catch (RuntimeException e) {
                // parameters that do not fit the scaled layer: try the next scale
            }
        }
        return "; no --scale up to 1024 fits: use fewer --tokens";
    }

    private static String gib(long bytes) {
        return bytes == Long.MAX_VALUE ? "more than 8 EiB" : String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    private static long sat(long a) {
        return a < 0 ? Long.MAX_VALUE : a;
    }

    private static long sat(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}

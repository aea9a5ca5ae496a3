package dev.moegen.runtime.exec;

import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.KernelRole;
import java.util.Map;

/** Everything one layer launch produced, read back: float outputs, int outputs, device ns per kernel. */
public record LayerRun(int tokens, Map<BufferId, float[]> floats, Map<BufferId, int[]> ints, Map<KernelRole, Long> kernelNanos) {
    public float[] f(BufferId b) {
        float[] v = floats.get(b);
        if (v == null) throw new IllegalArgumentException("run has no float output '" + b.id() + "'");
        return v;
    }

    public int[] i(BufferId b) {
        int[] v = ints.get(b);
        if (v == null) throw new IllegalArgumentException("run has no int output '" + b.id() + "'");
        return v;
    }

    /** Device time of one kernel in ms (0 when the plan has no such kernel). */
    public double millis(KernelRole r) {
        return kernelNanos.getOrDefault(r, 0L) / 1e6;
    }

    /** Device time of the forward's kernels (the auxiliary load statistics left out). */
    public long totalNanos() {
        return kernelNanos.entrySet().stream().filter(e -> e.getKey() != KernelRole.LOAD_STATS).mapToLong(Map.Entry::getValue).sum();
    }
}

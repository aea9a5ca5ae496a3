package dev.moegen.runtime.exec;

import java.util.Map;

/** Everything one layer launch produced, read back: float outputs, int outputs, device ns per kernel. */
public record LayerRun(int tokens, Map<String, float[]> floats, Map<String, int[]> ints, Map<String, Long> kernelNanos) {
    public float[] f(String name) {
        float[] v = floats.get(name);
        if (v == null) throw new IllegalArgumentException("run has no float output '" + name + "'");
        return v;
    }

    public int[] i(String name) {
        int[] v = ints.get(name);
        if (v == null) throw new IllegalArgumentException("run has no int output '" + name + "'");
        return v;
    }

    public long totalNanos() {
        return kernelNanos.values().stream().mapToLong(Long::longValue).sum();
    }
}

package dev.moegen.harness.measure;

import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.runtime.exec.LayerRun;
import dev.moegen.runtime.exec.PlanLayer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measurement protocol for a whole layer, the same on every backend: {@code warmup} untimed launches, then
 * {@code reps} launches each preceded by a cache flush, every kernel timed by device events, nothing read back
 * during the timed runs; per-kernel and total median with spread, the host's wall time of each forward (upload of
 * x, every launch enqueued, one wait), and the last run's outputs read back once. {@code between} runs after each
 * timed launch: a peer's run, so the two alternate and share the machine's state.
 */
public final class LayerTimer {
    private LayerTimer() {}

    /** Per kernel and in total (ns), and the outputs of the last timed run. */
    public record Result(Map<KernelRole, Timing.Stats> perKernel, Timing.Stats total, Timing.Stats wall, LayerRun last) {
        public double kernelMs(KernelRole r) {
            Timing.Stats s = perKernel.get(r);
            return s == null ? 0 : s.medianMs();
        }
    }

    public static Result time(PlanLayer layer, float[] x, int tokens, int warmup, int reps, CacheFlush flush) {
        return time(layer, x, tokens, warmup, reps, flush, () -> {});
    }

    public static Result time(PlanLayer layer, float[] x, int tokens, int warmup, int reps, CacheFlush flush, Runnable between) {
        if (reps < 1) throw new IllegalArgumentException("reps = " + reps + ": must be >= 1");
        for (int i = 0; i < warmup; i++) layer.launch(x, tokens);
        long[] totals = new long[reps], walls = new long[reps];
        Map<KernelRole, long[]> per = new LinkedHashMap<>();
        Map<KernelRole, Long> nanos = Map.of();
        for (int r = 0; r < reps; r++) {
            if (flush != null) flush.run();
            long w0 = System.nanoTime();
            nanos = layer.launch(x, tokens);
            walls[r] = System.nanoTime() - w0;
            between.run();
            long sum = 0;
            for (var e : nanos.entrySet()) {
                per.computeIfAbsent(e.getKey(), k -> new long[reps])[r] = e.getValue();
                sum += e.getValue();
            }
            totals[r] = sum;
        }
        Map<KernelRole, Timing.Stats> stats = new LinkedHashMap<>();
        per.forEach((k, v) -> stats.put(k, Timing.Stats.of(v)));
        return new Result(stats, Timing.Stats.of(totals), Timing.Stats.of(walls), layer.readBack(tokens, nanos));
    }
}

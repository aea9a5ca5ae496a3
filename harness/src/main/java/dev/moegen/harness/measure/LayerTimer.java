package dev.moegen.harness.measure;

import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.runtime.exec.LayerRun;
import dev.moegen.runtime.exec.PlanLayer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measurement protocol for a whole layer, the same on every backend: {@code warmup} untimed launches, then
 * {@code reps} launches each preceded by a cache flush, every kernel timed by device events, nothing read back
 * during the timed runs; per-kernel and total median with spread, and the last run's outputs read back once.
 * {@code between} runs after each timed launch: a peer's run, so the two alternate and share the machine's state.
 * {@link #wall} is the other view: forwards back to back, as a model calls them, timed by the host's clock.
 */
public final class LayerTimer {
    /**
     * Untimed forwards before {@link #wall}: at least this many, and for at least {@link #WALL_WARMUP_NANOS}. The JIT
     * must have compiled the host path (launch, FFM calls) to its last tier: after 20 forwards a PoCL forward of
     * qwen3 /8 at T=1 still took 0.31-0.34 ms of wall for 0.09 ms of device time, after 2,000 it took 0.09-0.10 ms.
     */
    public static final int WALL_WARMUP = 20;
    public static final long WALL_WARMUP_NANOS = 1_000_000_000L;

    private LayerTimer() {}

    /** Per kernel and in total (ns), and the outputs of the last timed run. */
    public record Result(Map<KernelRole, Timing.Stats> perKernel, Timing.Stats total, LayerRun last) {
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
        long[] totals = new long[reps];
        Map<KernelRole, long[]> per = new LinkedHashMap<>();
        Map<KernelRole, Long> nanos = Map.of();
        for (int r = 0; r < reps; r++) {
            if (flush != null) flush.run();
            nanos = layer.launch(x, tokens);
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
        return new Result(stats, Timing.Stats.of(totals), layer.readBack(tokens, nanos));
    }

    /**
     * {@code reps} forwards back to back after the untimed warm-up ({@link #WALL_WARMUP}, {@link #WALL_WARMUP_NANOS}), each timed by the host's clock from the upload of x to the
     * one wait: the wall time a caller of forward() sees, launch overhead included (y left on the device). Run it while nothing else computes (not
     * right after a peer: a BLAS library's threads keep spinning on the cores for a while after each call).
     */
    public static Timing.Stats wall(PlanLayer layer, float[] x, int tokens, int reps) {
        long start = System.nanoTime();
        for (int i = 0; i < WALL_WARMUP || System.nanoTime() - start < WALL_WARMUP_NANOS; i++) layer.forwardOnDevice(x, tokens);
        long[] walls = new long[reps];
        for (int r = 0; r < reps; r++) {
            long w0 = System.nanoTime();
            layer.forwardOnDevice(x, tokens); // as forward() runs it: one recorded launch where the backend records (CUDA graphs)
            walls[r] = System.nanoTime() - w0;
        }
        return Timing.Stats.of(walls);
    }
}

package dev.moegen.harness.measure;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;
import java.util.Map;

/**
 * The device's floors, measured in the run that uses them: streaming-copy bandwidth (bytes read +
 * written per second), fp32 FMA throughput (the SIMT peak) and, where the target has tensor cores, the 16-bit peak
 * (wgmma m64n256k16 on sm_90a, mma.sync m16n8k16 elsewhere; {@code tensorKind} says which; 0 where the
 * device has none). moegen's own figures are the better of a grid-stride and a per-work-item-vector kernel each
 * ({@code ownBandwidth}, {@code ownFp32Flops}); an independent program's figures on the same machine
 * ({@link #withIndependent}, e.g. NumPy's sgemm and copy) raise the floors where they are higher, since a floor
 * that another program beats is not a floor.
 */
public record Floors(double bandwidthBytesPerSec, double fp32FlopsPerSec, double tensorFlopsPerSec, String tensorKind, long copyBytes,
                     double ownBandwidth, double ownFp32Flops, String independentSource, double independentBandwidth, double independentFlops) {
    public static final int GROUPS = 1024, WG = 256;

    /** moegen's own figures alone. */
    public static Floors of(double bandwidth, double fp32Flops, double tensorFlops, String tensorKind, long copyBytes) {
        return new Floors(bandwidth, fp32Flops, tensorFlops, tensorKind, copyBytes, bandwidth, fp32Flops, null, 0, 0);
    }

    /** These floors raised to an independent program's figures where those are higher. */
    public Floors withIndependent(String source, double bandwidth, double flops) {
        return new Floors(Math.max(ownBandwidth, bandwidth), Math.max(ownFp32Flops, flops), tensorFlopsPerSec, tensorKind, copyBytes,
                ownBandwidth, ownFp32Flops, source, bandwidth, flops);
    }

    /** Where moegen's own floor kernels fall short of the independent figures, in words; empty when they do not. */
    public java.util.List<String> shortfalls() {
        java.util.List<String> w = new java.util.ArrayList<>();
        if (independentSource == null) return w;
        if (ownBandwidth < independentBandwidth)
            w.add(String.format("moegen's copy kernels reach %.0f%% of %s's copy (%.1f GB/s): the bandwidth floor uses %s's", 100 * ownBandwidth / independentBandwidth,
                    independentSource, independentBandwidth / 1e9, independentSource));
        if (ownFp32Flops < independentFlops)
            w.add(String.format("moegen's FMA kernels reach %.0f%% of %s's sgemm (%.1f GFLOP/s): the compute floor uses %s's", 100 * ownFp32Flops / independentFlops,
                    independentSource, independentFlops / 1e9, independentSource));
        return w;
    }

    public static Floors measure(DeviceSession s, long copyBytes, int reps) {
        boolean tensorCores = s.target().caps().tensorCores();
        GeneratedSource src = SourceEmitter.emitBench(s.target(), GROUPS, WG, dev.moegen.dsl.types.DType.BF16);
        List<String> names = new java.util.ArrayList<>(List.of("moe_bench_copy", "moe_bench_copy_chunked", "moe_bench_fma", "moe_bench_fma_vec", "moe_bench_flush"));
        if (tensorCores) names.addAll(List.of("moe_bench_mma", "moe_bench_wgmma"));
        Map<String, DeviceSession.Kernel> k = s.load(src, names);
        Launch grid = grid();
        long n4 = copyBytes / 16;
        if (n4 < 1 || n4 > Integer.MAX_VALUE) throw new IllegalArgumentException("copy bytes = " + copyBytes + ": must be in [16, 32 GiB]");
        DeviceSession.Buffer src4 = s.alloc(n4 * 16), dst4 = s.alloc(n4 * 16), out = s.alloc((long) GROUPS * WG * 4);
        s.fill(src4, (byte) 0, n4 * 16);
        long copyNs = Long.MAX_VALUE;
        for (String copy : List.of("moe_bench_copy", "moe_bench_copy_chunked"))
            copyNs = Math.min(copyNs, Timing.medianNanos(1, reps, () -> s.launch(k.get(copy), copy, List.of(src4, dst4, (int) n4), grid)));
        int vw = Heuristic.vectorWidth(s.target());
        double fma = Math.max(rate(s, k.get("moe_bench_fma"), "moe_bench_fma", it -> List.of(out, it, 1.0f), reps, 2.0 * 8 * GROUPS * WG),
                rate(s, k.get("moe_bench_fma_vec"), "moe_bench_fma_vec", it -> List.of(out, it, 1.0f), reps, 2.0 * 8 * vw * GROUPS * WG));
        double tensor = 0;
        String kind = "none";
        if (tensorCores && s.target().hasWgmma()) {
            tensor = rate(s, k.get("moe_bench_wgmma"), "moe_bench_wgmma", it -> List.of(out, it), reps, 4 * 2.0 * 64 * 256 * 16 * GROUPS * (WG / 128));
            kind = "wgmma bf16";
        } else if (tensorCores) {
            tensor = rate(s, k.get("moe_bench_mma"), "moe_bench_mma", it -> List.of(out, it), reps, 8 * 2.0 * 16 * 8 * 16 * GROUPS * (WG / 32));
            kind = "mma.sync bf16";
        }
        double bw = 2.0 * n4 * 16 / (copyNs * 1e-9);
        return of(bw, fma, tensor, kind, n4 * 16);
    }

    /** FLOP/s of a peak kernel doing {@code flopsPerIter} per iteration (args for an iteration count); iterations grow until a run takes ≥ 20 ms. */
    private static double rate(DeviceSession s, DeviceSession.Kernel k, String name, java.util.function.IntFunction<List<Object>> args, int reps,
                               double flopsPerIter) {
        int iters = 256;
        long ns;
        while (true) { // long enough to dwarf launch overhead
            final List<Object> a = args.apply(iters);
            ns = Timing.medianNanos(1, reps, () -> s.launch(k, name, a, grid()));
            if (ns >= 20_000_000L || iters >= (1 << 24)) break;
            iters *= 4;
        }
        return flopsPerIter * iters / (ns * 1e-9);
    }

    /** The grid every bench kernel runs on (grid-stride loops cover any size). */
    public static Launch grid() {
        return new Launch(new long[] {(long) GROUPS * WG}, new long[] {WG});
    }

    /** Time below which a kernel moving {@code bytes} and doing {@code flops} (on tensor cores or not) cannot run on this device. */
    public double floorSeconds(double bytes, double flops, boolean tensorCores) {
        return Math.max(bytes / bandwidthBytesPerSec, flops / computePeak(tensorCores));
    }

    /** The FLOP/s that bounds a kernel: the tensor-core peak where it uses tensor cores and one was measured. */
    public double computePeak(boolean tensorCores) {
        return tensorCores && tensorFlopsPerSec > 0 ? tensorFlopsPerSec : fp32FlopsPerSec;
    }
}

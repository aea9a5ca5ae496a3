package dev.moegen.harness.measure;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;
import java.util.Map;

/**
 * The device's floors, measured in the run that uses them: streaming-copy bandwidth (bytes read +
 * written per second), fp32 FMA throughput (the SIMT peak) and, where the target has tensor cores, the 16-bit peak
 * (wgmma m64n256k16 on sm_90a, mma.sync m16n8k16 elsewhere; {@code tensorKind} says which; 0 where the
 * device has none).
 */
public record Floors(double bandwidthBytesPerSec, double fp32FlopsPerSec, double tensorFlopsPerSec, String tensorKind, long copyBytes) {
    public static final int GROUPS = 1024, WG = 256;

    public static Floors measure(DeviceSession s, long copyBytes, int reps) {
        boolean tensorCores = s.target().caps().tensorCores();
        GeneratedSource src = SourceEmitter.emitBench(s.target(), GROUPS, WG, dev.moegen.dsl.types.DType.BF16);
        List<String> names = tensorCores ? List.of("moe_bench_copy", "moe_bench_fma", "moe_bench_flush", "moe_bench_mma", "moe_bench_wgmma")
                : List.of("moe_bench_copy", "moe_bench_fma", "moe_bench_flush");
        Map<String, DeviceSession.Kernel> k = s.load(src, names);
        Launch grid = grid();
        long n4 = copyBytes / 16;
        if (n4 < 1 || n4 > Integer.MAX_VALUE) throw new IllegalArgumentException("copy bytes = " + copyBytes + ": must be in [16, 32 GiB]");
        DeviceSession.Buffer src4 = s.alloc(n4 * 16), dst4 = s.alloc(n4 * 16), out = s.alloc((long) GROUPS * WG * 4);
        s.fill(src4, (byte) 0, n4 * 16);
        long copyNs = Timing.medianNanos(1, reps, () -> s.launch(k.get("moe_bench_copy"), "moe_bench_copy", List.of(src4, dst4, (int) n4), grid));
        double fma = rate(s, k.get("moe_bench_fma"), "moe_bench_fma", it -> List.of(out, it, 1.0f), reps, 2.0 * 8 * GROUPS * WG);
        double tensor = 0;
        String kind = "none";
        if (tensorCores && s.target().hasWgmma()) {
            tensor = rate(s, k.get("moe_bench_wgmma"), "moe_bench_wgmma", it -> List.of(out, it), reps, 4 * 2.0 * 64 * 256 * 16 * GROUPS * (WG / 128));
            kind = "wgmma bf16";
        } else if (tensorCores) {
            tensor = rate(s, k.get("moe_bench_mma"), "moe_bench_mma", it -> List.of(out, it), reps, 8 * 2.0 * 16 * 8 * 16 * GROUPS * (WG / 32));
            kind = "mma.sync bf16";
        }
        return new Floors(2.0 * n4 * 16 / (copyNs * 1e-9), fma, tensor, kind, n4 * 16);
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

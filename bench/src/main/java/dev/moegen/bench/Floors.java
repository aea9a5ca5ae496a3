package dev.moegen.bench;

import dev.moegen.codegen.Backend;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.Launch;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;
import java.util.Map;

/**
 * The device's floors, measured in the run that uses them: streaming-copy bandwidth (bytes read +
 * written per second) and fp32 FMA throughput. The FMA figure is the SIMT peak; tensor-core peak
 * needs a tensor-core kernel and is not measured here.
 */
public record Floors(double bandwidthBytesPerSec, double fp32FlopsPerSec, long copyBytes) {
    static final int GROUPS = 1024, WG = 256;

    public static Floors measure(DeviceSession s, long copyBytes, int reps) {
        GeneratedSource src = SourceEmitter.emitBench(Backend.parse(s.backend()), GROUPS, WG, dev.moegen.dsl.types.DType.FP32);
        Map<String, DeviceSession.Kernel> k = s.load(src, List.of("moe_bench_copy", "moe_bench_fma", "moe_bench_flush"));
        Launch grid = grid();
        long n4 = copyBytes / 16;
        if (n4 < 1 || n4 > Integer.MAX_VALUE) throw new IllegalArgumentException("copy bytes = " + copyBytes + ": must be in [16, 32 GiB]");
        DeviceSession.Buffer src4 = s.alloc(n4 * 16), dst4 = s.alloc(n4 * 16), out = s.alloc((long) GROUPS * WG * 4);
        s.fill(src4, (byte) 0, n4 * 16);
        long copyNs = Timing.medianNanos(1, reps, () -> s.launch(k.get("moe_bench_copy"), "moe_bench_copy", List.of(src4, dst4, (int) n4), grid));
        int iters = 256;
        long fmaNs;
        while (true) { // long enough to dwarf launch overhead
            final int it = iters;
            fmaNs = Timing.medianNanos(1, reps, () -> s.launch(k.get("moe_bench_fma"), "moe_bench_fma", List.of(out, it, 1.0f), grid));
            if (fmaNs >= 20_000_000L || iters >= (1 << 24)) break;
            iters *= 4;
        }
        double flops = 2.0 * 8 * iters * (double) GROUPS * WG;
        return new Floors(2.0 * n4 * 16 / (copyNs * 1e-9), flops / (fmaNs * 1e-9), n4 * 16);
    }

    /** The grid every bench kernel runs on (grid-stride loops cover any size). */
    static Launch grid() {
        return new Launch(new long[] {(long) GROUPS * WG}, new long[] {WG});
    }

    /** Time below which a kernel moving {@code bytes} and doing {@code flops} cannot run on this device. */
    public double floorSeconds(double bytes, double flops) {
        return Math.max(bytes / bandwidthBytesPerSec, flops / fp32FlopsPerSec);
    }
}

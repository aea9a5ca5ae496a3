package dev.moegen.harness.measure;

import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;

/** Touches a buffer larger than the last-level cache before a timed run, so no run finds its weights cached by the previous one. */
public final class CacheFlush {
    private final DeviceSession session;
    private final DeviceSession.Kernel kernel;
    private final DeviceSession.Buffer buffer;
    private final int floats;

    public CacheFlush(DeviceSession s, long bytes) {
        this.session = s;
        this.floats = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 4));
        this.kernel = s.load(SourceEmitter.emitBench(s.target(), Floors.GROUPS, Floors.WG, DType.FP32), List.of("moe_bench_flush")).get("moe_bench_flush");
        this.buffer = s.alloc((long) floats * 4);
        s.fill(buffer, (byte) 0, (long) floats * 4);
    }

    public void run() {
        session.launch(kernel, "moe_bench_flush", List.of(buffer, floats), Floors.grid());
    }
}

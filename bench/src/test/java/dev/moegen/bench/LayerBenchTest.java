package dev.moegen.bench;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.opencl.OpenCl;
import org.junit.jupiter.api.Test;

/** The benchmark's bookkeeping (no timing assertions: figures live in bench/results). */
class LayerBenchTest {
    @Test
    void bytesAndFlopsFollowTheLayer() {
        var plan = Lowering.lower(Presets.get("mixtral-8x7b"));
        // one token, top-2: 2 experts × (2·14336·4096 + 4096·14336) bf16 weights dominate
        double weights = 2 * 3.0 * 14336 * 4096 * 2;
        assertTrue(LayerBench.bytes(plan, 1, 2, 32) > weights);
        assertTrue(LayerBench.bytes(plan, 1, 2, 32) < weights * 1.01);
        assertEquals(2.0 * 8 * 4096 + 2.0 * 2 * 3 * 14336 * 4096, LayerBench.flops(plan, 1));
        assertEquals(3, Timing.median(new long[] {9, 1, 3}));
        assertEquals(new Floors(2e9, 1e9, 1).floorSeconds(4e9, 1e9), 2.0);
    }

    @Test
    void reportsFloorsAndEveryTokenCount() {
        var why = OpenCl.unavailableReason();
        if (System.getenv("CI") != null) assertTrue(why.isEmpty(), why.orElse(""));
        assumeTrue(why.isEmpty());
        try (DeviceSession s = Backends.open("opencl")) {
            var r = LayerBench.run(s, Presets.get("olmoe-1b-7b").scaled(64), new int[] {1, 8}, 2, 1 << 20, 1 << 20, 3);
            assertTrue(r.floors().bandwidthBytesPerSec() > 0 && r.floors().fp32FlopsPerSec() > 0);
            assertEquals(2, r.rows().size());
            for (var row : r.rows()) {
                assertTrue(row.totalMs() > 0 && row.floorMs() > 0, row.toString());
                assertTrue(row.expertsTouched() >= 1 && row.expertsTouched() <= Math.min(64, row.tokens() * 8));
                assertTrue(row.kernelMs().containsKey("moe_group_gemm_1"));
            }
        }
    }
}

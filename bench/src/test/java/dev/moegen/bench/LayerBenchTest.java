package dev.moegen.bench;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.harness.measure.Floors;
import dev.moegen.harness.measure.Timing;
import dev.moegen.testkit.Guards;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.opencl.OpenCl;
import org.junit.jupiter.api.Test;

/** The benchmark's bookkeeping (no timing assertions: figures live in bench/results). */
class LayerBenchTest {
    @Test
    void bytesAndFlopsFollowTheLayer() {
        var plan = Lowering.lower(Presets.get("mixtral-8x7b"), OpenClDialect.TARGET);
        // one token, top-2: 2 experts × (2·14336·4096 + 4096·14336) bf16 weights dominate
        double weights = 2 * 3.0 * 14336 * 4096 * 2;
        assertTrue(LayerBench.bytes(plan, 1, 2, 32) > weights);
        assertTrue(LayerBench.bytes(plan, 1, 2, 32) < weights * 1.01);
        assertEquals(2.0 * 8 * 4096 + 2.0 * 2 * 3 * 14336 * 4096, LayerBench.flops(plan, 1, 2), "one token, two assignments computed");
        assertEquals(2.0 * 8 * 4096 + 2.0 * 1 * 3 * 14336 * 4096, LayerBench.flops(plan, 1, 1), "a dropped assignment costs no FLOPs");
        assertEquals(3, Timing.median(new long[] {9, 1, 3}));
        assertEquals(2.0, Floors.of(2e9, 1e9, 0, "none", 1).floorSeconds(4e9, 1e9, true));
        assertEquals(4.0, Floors.of(2e9, 1e9, 0, "none", 1).floorSeconds(1e9, 4e9, true), "no tensor peak measured: the fp32 peak bounds");
        assertEquals(0.5, Floors.of(2e9, 1e9, 8e9, "wgmma bf16", 1).floorSeconds(1e9, 4e9, true));
        assertEquals(4.0, Floors.of(2e9, 1e9, 8e9, "wgmma bf16", 1).floorSeconds(1e9, 4e9, false));
    }

    @Test
    void reportsFloorsAndEveryTokenCount() throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        try (DeviceSession s = Backends.open("opencl")) {
            var r = LayerBench.run(s, Presets.get("olmoe-1b-7b").scaled(64), new int[] {1, 8}, 2, 1 << 20, 1 << 20, 3);
            assertTrue(r.floors().bandwidthBytesPerSec() > 0 && r.floors().fp32FlopsPerSec() > 0);
            assertEquals(2, r.rows().size());
            for (var row : r.rows()) {
                assertTrue(row.totalMs() > 0 && row.floorMs() > 0, row.toString());
                assertTrue(row.expertsTouched() >= 1 && row.expertsTouched() <= Math.min(64, row.tokens() * 8));
                assertTrue(row.kernelMs().containsKey("moe_group_gemm_1"));
                assertTrue(row.minMs() <= row.totalMs() && row.totalMs() <= row.maxMs(), "median within its spread: " + row);
            }
        }
    }

    @Test
    void deviceRandomFillIsSpreadNotConstant() {
        Guards.openCl(OpenCl.unavailableReason());
        try (DeviceSession s = Backends.open("opencl"); var a = java.lang.foreign.Arena.ofConfined()) {
            var k = s.load(dev.moegen.codegen.emit.SourceEmitter.emitBench(s.target(), Floors.GROUPS, Floors.WG,
                    dev.moegen.dsl.types.DType.BF16), java.util.List.of("moe_bench_fill_random"));
            int n = 100_000;
            var buf = s.alloc(n * 2L);
            s.launch(k.get("moe_bench_fill_random"), "fill", java.util.List.of(buf, (long) n, 7, 0.5f),
                    Floors.grid());
            var host = a.allocate(n * 2L);
            s.read(buf, host);
            float[] v = dev.moegen.runtime.exec.HostCodec.decode(host, dev.moegen.dsl.types.DType.BF16, n);
            double sum = 0, min = 1, max = -1;
            java.util.Set<Float> distinct = new java.util.HashSet<>();
            for (float x : v) { sum += x; min = Math.min(min, x); max = Math.max(max, x); distinct.add(x); }
            assertTrue(min >= -0.5 && max <= 0.5, min + " " + max);
            assertTrue(max - min > 0.9, "spread over the range");
            assertTrue(Math.abs(sum / n) < 0.01, "mean near 0: " + sum / n);
            assertTrue(distinct.size() > 200, "not constant: " + distinct.size() + " distinct bf16 values");
        }
    }

    /**
     * With the NumPy peer: it reads the same inputs from a dump and matches the reference before it is timed, its runs
     * alternate with moegen's, NumPy's sgemm and copy are independent floors that the floors used are at least, and
     * the report folder holds JSON, markdown and three PNG charts.
     */
    @Test
    void numpyPeerAndReportFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        Guards.numpy(dev.moegen.bench.peer.PythonPeer.unavailableReason());
        try (DeviceSession s = Backends.open("opencl")) {
            var spec = Presets.get("deepseek-v3").scaled(64); // grouped, bias-corrected, shared slice: the peer's hardest routing
            var plan = Lowering.lower(spec, s.target());
            var r = LayerBench.run(s, plan, new int[] {1, 9}, new LayerBench.Options(3, 1 << 20, 1 << 20, 5, java.util.List.of(dev.moegen.bench.peer.PeerKind.NUMPY), false), f -> {}, row -> {});
            var f = r.floors();
            assertEquals("numpy", f.independentSource());
            assertTrue(f.independentFlops() > 0 && f.independentBandwidth() > 0);
            assertTrue(f.fp32FlopsPerSec() >= f.independentFlops() && f.fp32FlopsPerSec() >= f.ownFp32Flops(), "the floor is the higher figure");
            assertTrue(f.bandwidthBytesPerSec() >= f.independentBandwidth() && f.bandwidthBytesPerSec() >= f.ownBandwidth());
            assertEquals(f.shortfalls().size(), r.floorShortfalls().size());
            for (var row : r.rows()) {
                assertEquals(1, row.peers().size(), row.toString());
                var p = row.peers().get(0);
                assertTrue(p.peer().startsWith("numpy "), p.peer());
                assertTrue(p.relError() < 2e-2, "the peer computes the same layer: " + p);
                assertTrue(p.minMs() > 0 && p.minMs() <= p.medianMs() && p.medianMs() <= p.maxMs(), p.toString());
                assertTrue(row.wallMs() > 0, row.toString());
            }
            var out = dir.resolve("report");
            dev.moegen.bench.report.BenchReports.write(out, false, r);
            for (String name : java.util.List.of("report.json", "report.md", "kernel-times.png", "floor-fraction.png", "moegen-vs-peers.png"))
                assertTrue(java.nio.file.Files.size(out.resolve(name)) > 100, name);
            byte[] png = java.nio.file.Files.readAllBytes(out.resolve("moegen-vs-peers.png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
            String md = java.nio.file.Files.readString(out.resolve("report.md"));
            assertTrue(md.contains("| 9 |") && md.contains("numpy"), md);
            var again = assertThrows(IllegalArgumentException.class, () -> dev.moegen.bench.report.BenchReports.write(out, false, r));
            assertTrue(again.getMessage().contains("--report"), again.getMessage());
        }
    }

    /**
     * The NumPy peer computes the same layer under every routing rule, so its time is a fair comparison: noisy gating and
     * GShard's coin from moegen's Philox stream (the dump's noise seed), capacity per sequence, DeepSeek-V2's group max,
     * DBRX's p-norm. Checked against the reference's y before it would be timed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gshard-noisy", "per-sequence", "deepseek-v2", "dbrx-p2", "expert-choice"})
    void numpyPeerComputesEveryRoutingRule(String kind, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Guards.numpy(dev.moegen.bench.peer.PythonPeer.unavailableReason());
        var b = dev.moegen.dsl.layer.MoeLayerSpec.builder(kind).dtype(dev.moegen.dsl.types.DType.FP32).hidden(32).intermediate(16);
        var softmax = dev.moegen.dsl.layer.Routing.softmax(true);
        var spec = switch (kind) {
            case "gshard-noisy" -> b.experts(8, 2).routing(softmax.withNoisyGating(true).withSecondExpertPolicy(dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM))
                    .capacityFactor(1.0).sequenceLength(16).build();
            case "per-sequence" -> b.experts(8, 1).routing(dev.moegen.dsl.layer.Routing.softmax(false)).expertCapacity(2).sequenceLength(8).build();
            case "deepseek-v2" -> Presets.get("deepseek-v2").scaled(128);
            case "expert-choice" -> b.experts(8, 2).routing(dev.moegen.dsl.layer.Routing.softmax(false).withStrategy(dev.moegen.dsl.layer.RoutingStrategy.EXPERT_CHOICE))
                    .capacityFactor(1.0).shared(1, 32, true).build();
            default -> b.experts(16, 4).routing(softmax.withRenormalizeP(2.0)).build();
        };
        var in = dev.moegen.verify.reference.LayerInputs.random(spec, 100, 7);
        var ref = dev.moegen.verify.reference.Reference.forward(in, 16);
        if (!kind.equals("deepseek-v2") && !kind.equals("dbrx-p2"))
            assertTrue(java.util.Arrays.stream(ref.routing().ids()).anyMatch(id -> id < 0), "the case must drop assignments");
        dev.moegen.harness.dump.Dumps.of(spec, in, ref, 7, 16).writeInto(dir);
        try (var peer = dev.moegen.bench.peer.PythonPeer.start(dir, false)) {
            assertTrue(peer.relError() < 1e-5, kind + ": the peer's y against the reference's: " + peer.relError());
        }
    }
}

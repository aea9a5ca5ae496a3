package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.*;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.cuda.Nvcc;
import dev.moegen.codegen.cuda.PtxasReport;
import dev.moegen.codegen.platform.ResourceUsage;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.preset.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every full-size preset's CUDA kernels compile with nvcc for sm_80 and sm_90a, without spills or ptxas warnings. */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class NvccTest {
    static List<String> presets() {
        return Presets.names();
    }

    static Nvcc nvcc() {
        var n = Nvcc.find();
        if (System.getenv("CI") != null) assertTrue(n.isPresent(), "CI machines have nvcc");
        assumeTrue(n.isPresent(), "no nvcc");
        return n.get();
    }

    /**
     * The ahead-of-time CUDA plan (tensor cores) of every full-size preset: one resource line per kernel and
     * arch, no spills, no stack in the GroupGEMMs, no ptxas warnings (so no C7510 wgmma serialisation), and
     * the GroupGEMMs' PTX holds mma.sync for sm_80 and wgmma.mma_async (not mma.sync) for sm_90a.
     */
    @ParameterizedTest
    @MethodSource("presets")
    void compilesWithoutSpillsForSm80AndSm90a(String preset, @TempDir Path dir) throws Exception {
        KernelPlan plan = Lowering.lower(Presets.get(preset), CudaDialect.AHEAD_OF_TIME);
        assertTrue(plan.params().gemm().tensorCores(), preset + " is bf16 with 16-byte rows");
        Nvcc.Result r = compile(plan, dir);
        for (String arch : Nvcc.DEFAULT_ARCHS) {
            List<ResourceUsage> ks = r.report().forArch(arch);
            assertEquals(plan.kernels().size(), ks.size(), arch + ": a resource line per kernel\n" + r.log());
            for (ResourceUsage k : ks) {
                assertFalse(k.spills(), arch + " " + k);
                assertTrue(k.registers() <= 128, arch + " " + k);
                if (k.kernel().startsWith("moe_group_gemm") || k.kernel().equals("moe_gating")) assertEquals(0, k.stackBytes(), arch + " " + k);
            }
        }
        assertEquals(List.of(), r.report().warnings(), "ptxas warnings");
        String sm80 = Files.readString(r.ptx().get(0)), sm90a = Files.readString(r.ptx().get(1));
        for (String gemm : List.of("moe_group_gemm_1", "moe_group_gemm_2")) {
            assertTrue(entry(sm80, gemm).contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"), "sm_80 " + gemm);
            assertTrue(entry(sm80, gemm).contains("cp.async.cg.shared.global"), "sm_80 " + gemm);
            assertTrue(entry(sm90a, gemm).contains("wgmma.mma_async.sync.aligned.m64n"), "sm_90a " + gemm);
            assertFalse(entry(sm90a, gemm).contains("mma.sync"), "sm_90a " + gemm + " is all wgmma");
            // a thread's two adjacent outputs leave in one store: packed 16-bit pair (GEMM 1), float2 (GEMM 2)
            for (String ptx : List.of(sm80, sm90a)) {
                String want = gemm.endsWith("1") ? "st.global.u32" : "st.global.v2.f32";
                assertTrue(entry(ptx, gemm).contains(want) && !entry(ptx, gemm).contains(gemm.endsWith("1") ? "st.global.u16" : "st.global.f32"), gemm + " stores pairs: " + want);
            }
            String loop = kLoop(entry(sm90a, gemm));
            assertTrue(loop.contains("wgmma.wait_group.sync.aligned 1;"), "sm_90a " + gemm + ": one group stays in flight across k tiles");
            assertTrue(entry(sm90a, gemm).contains("wgmma.wait_group.sync.aligned 0;"), "sm_90a " + gemm + ": drained before the epilogue");
            long n = instructions(loop);
            // before the gather addresses were hoisted: 566 instructions per k tile (row-table loads, divisions, 64-bit row products)
            assertTrue(n <= 250 && !loop.contains("ld.shared") && !loop.contains("div.") && !loop.contains("rem."),
                    "sm_90a " + gemm + ": the k loop holds only copies, wgmma and their offsets: " + n + " instructions\n" + loop);
        }
        for (String ptx : List.of(sm80, sm90a)) {
            // launch bounds from the parameters: ptxas sizes registers for the block the host launches
            assertTrue(entry(ptx, "moe_group_gemm_1").contains(".maxntid " + plan.params().gemmThreads() + ", 1, 1"), "GEMM launch bounds");
            assertTrue(entry(ptx, "moe_gating").contains(".maxntid " + plan.params().gateWg() + ", 1, 1"), "gating launch bounds");
            assertTrue(entry(ptx, "moe_align_scan").contains(".maxntid " + plan.params().scanWg() + ", 1, 1"), "scan launch bounds");
            assertTrue(entry(ptx, "moe_gating").contains("shfl.sync.bfly"), "one warp per token, shuffle reductions");
            if (plan.combineVector() == 4) assertTrue(entry(ptx, "moe_combine").contains(".v4.f32"), "16-byte combine loads");
            if (plan.routerRows() % 4 == 0 && plan.spec().experts() % 4 == 0) assertTrue(entry(ptx, "moe_gating").contains(".v4.f32"), "16-byte logits loads");
        }
        for (Path c : r.cubins()) assertTrue(Files.size(c) > 1000, c.toString());
    }

    /** The wgmma prefill tiles the heuristic takes at large T (128x128, two warpgroups) compile for sm_90a without spills, stack or ptxas warnings. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"qwen3-30b-a3b", "mixtral-8x7b"})
    void prefillTilesCompileWithoutSpills(String preset, @TempDir Path dir) throws Exception {
        var spec = Presets.get(preset);
        KernelParams p = ParamResolver.resolve(spec, CudaDialect.AHEAD_OF_TIME, java.util.Map.of(), TunedParams.NONE, 8192).params();
        assertEquals(List.of(128, 128, 8), List.of(p.blockM(), p.blockN(), p.warpsM()), "prefill tiles: " + p);
        Nvcc.Result r = compile(Lowering.lower(spec, CudaDialect.AHEAD_OF_TIME, p), dir);
        for (ResourceUsage k : r.report().forArch("sm_90a")) {
            assertFalse(k.spills(), k.toString());
            if (k.kernel().startsWith("moe_group_gemm")) assertEquals(0, k.stackBytes(), k.toString());
        }
        assertEquals(List.of(), r.report().warnings(), "ptxas warnings");
        assertTrue(entry(Files.readString(r.ptx().get(1)), "moe_group_gemm_1").contains("wgmma.mma_async.sync.aligned.m64n256k16"), "gate and up in one m64n256");
    }

    /**
     * The counting GroupGEMMs — GroupGEMM 1 in K slices (split_k1=2) and GroupGEMM 2 with the combine fused
     * (fuse_combine=1) — compile for sm_80 (mma) and sm_90a (wgmma) without spills: each counts with a global atomic add
     * between fences and reads the other blocks' outputs from L2 (ld.global.cg); the plan launches no combine kernel
     * and GroupGEMM 1 in two slices at decode.
     */
    @Test
    void countingGroupGemmsCompile(@TempDir Path dir) throws Exception {
        var spec = Presets.get("qwen3-30b-a3b");
        KernelParams p = ParamResolver.resolve(spec, CudaDialect.AHEAD_OF_TIME, java.util.Map.of("fuse_combine", "1", "split_k1", "2"), TunedParams.NONE, 1).params();
        var plan = Lowering.lower(spec, CudaDialect.AHEAD_OF_TIME, p);
        assertTrue(plan.kernelsFor(1).stream().noneMatch(k -> k.role() == dev.moegen.codegen.plan.KernelRole.COMBINE));
        assertEquals(2, plan.launch(plan.kernel(dev.moegen.codegen.plan.KernelRole.GROUP_GEMM_1), 1).global()[2], "GroupGEMM 1 in 2 slices at T=1");
        Nvcc.Result r = compile(plan, dir);
        for (ResourceUsage k : r.report().kernels()) assertFalse(k.spills(), k.toString());
        for (Path ptx : r.ptx())
            for (String gemm : List.of("moe_group_gemm_1", "moe_group_gemm_2")) {
                String body = entry(Files.readString(ptx), gemm);
                for (String want : List.of("atom.global.add.u32", "ld.global.cg.f32", "membar.gl"))
                    assertTrue(body.contains(want), ptx.getFileName() + " " + gemm + ": " + want);
            }
    }

    /** The portable plans compile too: the tiled loop (fp32 layers and odd shapes take it on CUDA) and the SIMT loop, without spills. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiled", "simt"})
    void portablePlansCompile(String gemm, @TempDir Path dir) throws Exception {
        var spec = Presets.get("deepseek-v3");
        KernelPlan plan = Lowering.lower(spec, OpenClDialect.TARGET, Lowering.lower(spec, OpenClDialect.TARGET).params().withOverrides(java.util.Map.of("gemm", gemm)));
        assertEquals(gemm, plan.params().gemm().id());
        Nvcc.Result r = compile(plan, dir);
        assertEquals(2 * plan.kernels().size(), r.report().kernels().size());
        assertTrue(r.report().kernels().stream().noneMatch(ResourceUsage::spills), r.log());
        assertFalse(Files.readString(r.ptx().get(0)).contains("mma.sync"));
    }

    /** Routing that draws from the gating's Philox stream (noisy gating, GShard's second expert), per-sequence capacity and expert choice compile for CUDA, without spills. */
    @Test
    void randomRoutingAndPerSequenceCapacityCompile(@TempDir Path dir) throws Exception {
        var spec = dev.moegen.dsl.layer.MoeLayerSpec.builder("gshard-noisy").hidden(256).intermediate(128).experts(16, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(true).withNoisyGating(true).withSecondExpertPolicy(dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM))
                .capacityFactor(2.0).sequenceLength(64).build();
        KernelPlan plan = Lowering.lower(spec, dev.moegen.codegen.cuda.CudaDialect.AHEAD_OF_TIME);
        Nvcc.Result r = compile(plan, dir);
        assertTrue(r.report().kernels().stream().noneMatch(ResourceUsage::spills), r.log());
        String src = Files.readString(r.ptx().get(0));
        assertTrue(src.contains("mul.hi.u32") || src.contains("mul.wide.u32"), "Philox's 32x32->64 products");
        var choice = dev.moegen.dsl.layer.MoeLayerSpec.builder("expert-choice").hidden(256).intermediate(128).experts(16, 2)
                .routing(dev.moegen.dsl.layer.Routing.softmax(false).withStrategy(dev.moegen.dsl.layer.RoutingStrategy.EXPERT_CHOICE)).capacityFactor(1.0).build();
        KernelPlan ec = Lowering.lower(choice, dev.moegen.codegen.cuda.CudaDialect.AHEAD_OF_TIME);
        java.nio.file.Files.createDirectories(dir.resolve("ec"));
        Nvcc.Result rc = compile(ec, dir.resolve("ec"));
        assertTrue(rc.report().kernels().stream().noneMatch(ResourceUsage::spills), rc.log());
        assertTrue(rc.report().kernels().stream().anyMatch(k -> k.kernel().equals("moe_expert_choice")), rc.log());
    }

    /**
     * Warp specialisation (producer = 1) on sm_90a: a producer warpgroup hands stages to two math warpgroups through
     * mbarriers (cp.async arrivals for the gathered rows, TMA transaction bytes for the weight tiles, parity waits), gives its registers to them with setmaxnreg (no C7508: the entry
     * count is fixed), keeps one wgmma group in flight, and nothing spills; the same source still builds the mma.sync
     * loop for sm_80, whose producer warps only copy (its 128 x 128 tile spills there: a Hopper plan is not run on sm_80).
     */
    @Test
    void warpSpecialisedWgmmaCompiles(@TempDir Path dir) throws Exception {
        var s = Presets.get("qwen3-30b-a3b");
        var h100 = CudaDialect.cuda("sm_90a"); // 4 stages of 128 x (128 + 256) rows: Hopper's shared memory, not sm_80's
        KernelPlan plan = Lowering.lower(s, h100, Lowering.lower(s, h100).params().withOverrides(java.util.Map.of(
                "block_m", "128", "warps_m", "8", "block_n", "128", "stages", "4", "producer", "1")));
        assertEquals(384, plan.params().gemmThreads(), "two math warpgroups and the producer");
        Nvcc.Result r = compile(plan, dir);
        assertEquals(List.of(), r.report().warnings(), "ptxas warnings (C7508: setmaxnreg ignored)");
        int math = KernelParams.mathRegisters(384, 256);
        assertEquals(232, math, "168 at entry: the producer's 128 x 128 freed registers give each math thread 64 more");
        for (int[] tm : new int[][] {{256, 128}, {384, 256}, {512, 384}}) { // math warpgroups: 1, 2, 3
            int entry = KernelParams.launchRegisters(tm[0]), raised = KernelParams.mathRegisters(tm[0], tm[1]);
            assertTrue(raised >= entry && raised <= 240 && raised % 8 == 0, tm[0] + " threads: entry " + entry + ", raised " + raised);
            assertTrue((long) raised * tm[1] + 40L * 128 <= (long) entry * tm[0], tm[0] + " threads: the raise fits in what the block holds");
        }
        for (ResourceUsage k : r.report().forArch("sm_90a")) assertFalse(k.spills(), k.toString()); // (sm_80 never runs a Hopper plan's tiles)
        String sm90a = Files.readString(r.ptx().get(1));
        for (String gemm : List.of("moe_group_gemm_1", "moe_group_gemm_2")) {
            String f = entry(sm90a, gemm);
            for (String want : List.of("mbarrier.init.shared::cta.b64", "mbarrier.try_wait.parity.shared::cta.b64", "cp.async.mbarrier.arrive.noinc.shared::cta.b64",
                    "mbarrier.arrive.shared::cta.b64", "setmaxnreg.dec.sync.aligned.u32 40;", "setmaxnreg.inc.sync.aligned.u32 " + math + ";",
                    "wgmma.wait_group.sync.aligned 1;", "fence.proxy.async.shared::cta", ".maxnreg 168",
                    // the weight tiles by TMA through the tensor map passed by value, their bytes counted on full[s]
                    "mbarrier.expect_tx.relaxed.cta.shared::cta.b64", "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes",
                    ".param .align 64 .b8 " + gemm + "_param_"))
                assertTrue(f.contains(want), "sm_90a " + gemm + " lacks " + want);
            assertFalse(f.contains("bar.sync") && f.indexOf("bar.sync") > f.indexOf("setmaxnreg"), gemm + ": no block barrier after the roles split");
        }
        assertTrue(entry(sm90a, "moe_group_gemm_1").contains("wgmma.mma_async.sync.aligned.m64n256k16"), "gate and up of 128 columns in one instruction");
        assertTrue(entry(Files.readString(r.ptx().get(0)), "moe_group_gemm_1").contains("mma.sync.aligned.m16n8k16"), "sm_80 falls back to mma.sync");
    }

    /** The fp16 rendering picks the f16 instruction forms. */
    @Test
    void fp16UsesHalfTensorCoreInstructions(@TempDir Path dir) throws Exception {
        var s = Presets.get("olmoe-1b-7b").withDtype(dev.moegen.dsl.types.DType.FP16);
        Nvcc.Result r = compile(Lowering.lower(s, CudaDialect.AHEAD_OF_TIME), dir);
        assertTrue(Files.readString(r.ptx().get(0)).contains("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"));
        assertTrue(Files.readString(r.ptx().get(1)).contains(".f32.f16.f16"));
        assertEquals(List.of(), r.report().warnings());
    }

    private static Nvcc.Result compile(KernelPlan plan, Path dir) throws java.io.IOException {
        GeneratedSource src = SourceEmitter.emit(plan, BackendId.CUDA);
        Path cu = dir.resolve(src.fileName());
        Files.writeString(cu, src.text());
        return nvcc().compile(cu, dir, Nvcc.DEFAULT_ARCHS);
    }

    /** The loop around the first wgmma of a function's PTX: from the label its back branch jumps to, to that branch. */
    static String kLoop(String fn) {
        List<String> lines = fn.lines().toList();
        int w = 0;
        while (!lines.get(w).contains("wgmma.mma_async")) w++;
        for (int k = w; k < lines.size(); k++) {
            var m = java.util.regex.Pattern.compile("bra(?:\\.uni)?\\s+(\\$L__\\w+);").matcher(lines.get(k));
            if (!m.find()) continue;
            int target = lines.indexOf(m.group(1) + ":");
            if (target >= 0 && target < w) return String.join("\n", lines.subList(target, k + 1));
        }
        throw new AssertionError("no loop around the wgmma");
    }

    /** PTX instructions in a fragment (no labels, braces, declarations or comments). */
    static long instructions(String ptx) {
        return ptx.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.endsWith(":") && !l.startsWith("//") && !l.startsWith("{")
                && !l.startsWith("}") && !l.startsWith(".reg")).count();
    }

    /** The PTX of one entry function. */
    private static String entry(String ptx, String name) {
        int i = ptx.indexOf(".entry " + name + "(");
        assertTrue(i >= 0, name + " in PTX");
        int j = ptx.indexOf(".entry ", i + 1);
        return ptx.substring(i, j < 0 ? ptx.length() : j);
    }

    @Test
    void compileErrorsCarryTheSourceLine(@TempDir Path dir) throws Exception {
        Path cu = dir.resolve("bad.cu");
        Files.writeString(cu, "extern \"C\" __global__ void k(float* p) {\n  p[0] = undefined_name;\n}\n");
        var e = assertThrows(java.io.IOException.class, () -> nvcc().compile(cu, dir, List.of("sm_80")));
        assertTrue(e.getMessage().contains("bad.cu:2: p[0] = undefined_name;"), e.getMessage());
    }

    @Test
    void parsesPtxasReports() {
        String log = """
                ptxas info    : Compiling entry function 'moe_gating' for 'sm_90a'
                ptxas info    : Function properties for moe_gating
                    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
                ptxas info    : Used 34 registers, used 1 barriers, 4128 bytes smem
                ptxas warning : (C7510) Potential Performance Loss: wgmma.mma_async instructions are serialized
                """;
        PtxasReport r = PtxasReport.parse(log);
        assertEquals(List.of(new ResourceUsage("moe_gating", "sm_90a", 34, 8, 4, 4, 4128, 1)), r.kernels());
        assertTrue(r.kernels().get(0).spills());
        assertEquals(1, r.warnings().size());
    }

    @Test
    void anNvccFailureIsOneLineWithTheSourceLineAndTheFullLog(@TempDir Path dir) throws Exception {
        var n = Nvcc.find();
        dev.moegen.testkit.Guards.nvcc(n.isPresent());
        Path cu = Files.writeString(dir.resolve("broken.cu"), "extern \"C\" __global__ void k(float* x) {\n    x[0] = undefined_name;\n}\n");
        var e = assertThrows(java.io.IOException.class, () -> n.get().compile(cu, dir, List.of("sm_80")));
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        assertTrue(m.startsWith("nvcc failed (exit ") && m.contains("compiling broken.cu for sm_80") && m.contains("undefined_name"), m);
        assertTrue(m.contains("broken.cu:2: x[0] = undefined_name;"), "the offending source line: " + m);
        Path log = Path.of(m.substring(m.indexOf("full log: ") + 10));
        assertTrue(Files.readString(log).contains("undefined_name"), "the whole output is kept");
        Files.delete(log);
    }
}

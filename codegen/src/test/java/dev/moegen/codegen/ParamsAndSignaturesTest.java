package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.generate.Generation;
import dev.moegen.codegen.generate.Generator;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.*;
import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.plan.*;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.codegen.platform.DeviceLimits;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.preset.Presets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parameter space as data, the chain of parameter sources, typed kernel signatures, dialects and generation as a library call. */
class ParamsAndSignaturesTest {
    static List<String> presets() {
        return Presets.names();
    }

    @Test
    void gemmAloneBringsItsLoopsDefaultsAndEverySourceIsReported() {
        var s = Presets.get("qwen3-30b-a3b");
        for (Target t : List.of(CudaDialect.cuda("sm_90a"), CudaDialect.cuda("sm_80"), OpenClDialect.TARGET.withLimits(
                new dev.moegen.codegen.platform.DeviceLimits(4096, 1 << 20, 1 << 20, 0, 2, 16, 0)))) {
            ResolvedParams r = ParamResolver.resolve(s, t, Map.of("gemm", "mma"), TunedParams.NONE, 0);
            assertEquals(Gemm.MMA, r.params().gemm(), t.describe());
            assertEquals(3, r.params().stages(), "tensor-core stages, not the SIMT 1");
            assertEquals(64, r.params().blockM());
            assertEquals(ParamSource.OVERRIDE, r.source(Param.GEMM));
            assertEquals(ParamSource.HEURISTIC, r.source(Param.STAGES));
        }
        ResolvedParams simt = ParamResolver.resolve(s, CudaDialect.cuda("sm_90a"), Map.of("gemm", "simt"), TunedParams.NONE, 0);
        assertEquals(16, simt.params().blockM(), "the SIMT loop's own tiles");
        assertEquals(32, simt.params().gateWg(), "CUDA has warp shuffles: one warp per token");
        assertEquals(128, ParamResolver.resolve(s, OpenClDialect.TARGET, Map.of(), TunedParams.NONE, 0).params().gateWg(), "no shuffles: next power of two >= E");
    }

    @Test
    void tunedValuesSitBetweenOverridesAndTheHeuristic() {
        var s = Presets.get("qwen3-30b-a3b");
        TunedParams db = (spec, target, tokens) -> Optional.of(new TunedParams.Hit(Map.of(Param.BLOCK_N, 32, Param.STAGES, 5), "exact T=" + tokens));
        ResolvedParams r = ParamResolver.resolve(s, CudaDialect.cuda("sm_90a"), Map.of("stages", "3"), db, 16);
        assertEquals(32, r.params().blockN());
        assertEquals(ParamSource.TUNED, r.source(Param.BLOCK_N));
        assertEquals(3, r.params().stages(), "an override beats the database");
        assertEquals(ParamSource.OVERRIDE, r.source(Param.STAGES));
        assertEquals(ParamSource.HEURISTIC, r.source(Param.BLOCK_K));
        assertEquals("exact T=16", r.tunedFrom());
        assertEquals("tuned", r.sourcesByKey().get("block_n"));
    }

    @Test
    void theSpaceEnumeratesFeasiblePointsAndNamesWhyTheOthersAreNot() {
        var s = Presets.get("qwen3-30b-a3b");
        Target t = CudaDialect.cuda("sm_90a");
        ParameterSpace space = ParameterSpace.of(s, t);
        KernelParams base = Heuristic.defaults(s, t);
        List<ParameterSpace.Point> all = new ArrayList<>();
        space.forEach(Family.GROUP_GEMM, base, all::add);
        var size = space.size(Family.GROUP_GEMM, base);
        assertEquals(all.size(), size.points());
        assertTrue(size.feasible() > 100 && size.feasible() < size.points(), size.toString());
        assertTrue(all.stream().anyMatch(p -> p.params().equals(base) && p.feasible()), "the default is a feasible point of the space");
        assertEquals(all.size(), all.stream().map(ParameterSpace.Point::params).distinct().count(), "no point repeats");
        for (var p : all) {
            assertEquals(p.feasible(), space.violations(p.params()).isEmpty());
            if (p.feasible()) assertSame(p.params(), space.check(p.params()));
            else assertFalse(p.violations().get(0).isBlank());
            if (p.params().gemm() == Gemm.SIMT) assertEquals(1, p.params().stages(), "inactive parameters are held, not enumerated");
        }
        assertTrue(all.stream().filter(p -> !p.feasible()).anyMatch(p -> p.violations().stream().anyMatch(v -> v.contains("registers"))));
        // the same layer on a smaller device loses points: limits are read from the target
        Target small = t.withLimits(new dev.moegen.codegen.platform.DeviceLimits(1024, 64 * 1024, 48 * 1024, 32768, 0, 32, 0));
        assertTrue(ParameterSpace.of(s, small).size(Family.GROUP_GEMM, base).feasible() < size.feasible());
        var gating = space.size(Family.GATING, base);
        assertEquals(6, gating.points(), "gate_wg 32..1024");
    }

    @Test
    void registersTimesThreadsOverTheLimitIsRejectedBeforeAnyCompile() {
        var s = Presets.get("mixtral-8x7b");
        KernelParams p = Heuristic.defaults(s, CudaDialect.cuda("sm_90a"), Gemm.MMA).toBuilder()
                .set(Param.BLOCK_M, 256).set(Param.WARPS_M, 16).set(Param.BLOCK_N, 128).set(Param.STAGES, 2).set(Param.BLOCK_K, 32).build();
        var e = assertThrows(IllegalArgumentException.class, () -> Lowering.lower(s, CudaDialect.cuda("sm_90a"), p));
        assertTrue(e.getMessage().contains("about 192 registers × 512 threads = 98304"), e.getMessage());
    }

    @Test
    void paramsRoundTripThroughTextAndTheBuilderNamesWhatIsMissing() {
        KernelParams p = Heuristic.defaults(Presets.get("dbrx"), CudaDialect.cuda("sm_80"));
        assertEquals(p, KernelParams.parse(p.toString()));
        assertTrue(p.toString().startsWith("gemm=mma,block_m=64,block_n=64,block_k=64,warps_m=4"), p.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> KernelParams.builder().gemm(Gemm.SIMT).set(Param.BLOCK_M, 4).build());
        assertTrue(e.getMessage().startsWith("kernel parameters missing: block_n, block_k"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> ParamResolver.parse(Map.of("blok_m", "1")));
        assertTrue(bad.getMessage().contains("allowed: gemm, block_m, block_n"), bad.getMessage());
    }

    private static final Pattern SIGNATURE = Pattern.compile("(?:KERNEL|KERNEL_WG\\(\\w+\\)) void (\\w+)\\(([^)]*)\\)");

    /** The generated C signatures and the host's argument binding come from one definition: parse one, compare with the other. */
    /**
     * The warp-specialised loop's GroupGEMMs take their weight's TMA tensor map last, by value, in both spellings; the
     * plan describes each map (all experts' rows, boxes of block_n rows x 64 columns) and other loops have none; they run
     * persistent, a block per multiprocessor.
     */
    @Test
    void warpSpecialisedGroupGemmsTakeTheirWeightsTensorMap() {
        var s = Presets.get("qwen3-30b-a3b");
        Target h100 = CudaDialect.cuda("sm_90a");
        KernelPlan ws = Lowering.lower(s, h100, Heuristic.defaults(s, h100).toBuilder().set(Param.PRODUCER, 1).build());
        for (var role : List.of(KernelRole.GROUP_GEMM_1, KernelRole.GROUP_GEMM_2)) {
            var args = ws.kernel(role).args();
            var last = (KernelArg.TensorMap) args.get(args.size() - 1);
            assertEquals(role == KernelRole.GROUP_GEMM_1 ? BufferId.W13 : BufferId.W2, last.weight());
            for (var b : List.of(BackendId.CUDA, BackendId.OPENCL))
                assertTrue(SourceEmitter.emit(ws, b).text().contains(", int T, TENSOR_MAP_PARAM " + last.name() + ")"), b + " " + role);
        }
        var w13 = ws.tensorMap(BufferId.W13).orElseThrow();
        assertEquals(new TensorMapSpec(BufferId.W13, 128L * 2 * 768, 2048, 64, 64, 2), w13);
        assertEquals(64 * 64 * 2, w13.boxBytes());
        assertEquals(new TensorMapSpec(BufferId.W2, 128L * 2048, 768, 64, 64, 2), ws.tensorMap(BufferId.W2).orElseThrow());
        // persistent: at most a block per multiprocessor (a device's count; unknown for a bare architecture: a block per tile)
        var l0 = h100.limits();
        Target device = h100.withLimits(new DeviceLimits(l0.maxThreadsPerBlock(), l0.sharedBytesPerBlock(), l0.staticSharedBytes(), l0.registersPerBlock(), 132,
                l0.simdWidth(), l0.globalMemBytes()));
        KernelPlan onDevice = Lowering.lower(s, device, ws.params());
        assertArrayEquals(new long[] {132L * 256, 1, 1}, onDevice.launch(onDevice.kernel(KernelRole.GROUP_GEMM_1), 4096).global(), "4096 tokens: more tiles than multiprocessors");
        assertEquals(ws.maxPadded(4096) / 64 * (768 / 64) * 256, ws.launch(ws.kernel(KernelRole.GROUP_GEMM_1), 4096).global()[0]);
        KernelPlan plain = Lowering.lower(s, device);
        assertTrue(plain.launch(plain.kernel(KernelRole.GROUP_GEMM_1), 4096).global()[0] > 132L * 128, "one block per tile without the producer");
        assertTrue(plain.tensorMap(BufferId.W13).isEmpty());
        assertTrue(plain.kernel(KernelRole.GROUP_GEMM_1).args().stream().noneMatch(a -> a instanceof KernelArg.TensorMap));
        var bad = assertThrows(IllegalArgumentException.class, () -> new TensorMapSpec(BufferId.W2, 8, 12, 64, 64, 2));
        assertTrue(bad.getMessage().contains("rows of 24 bytes; TMA needs a multiple of 16"), bad.getMessage());
    }

    @ParameterizedTest
    @MethodSource("presets")
    void generatedSignaturesMatchTheHostArgumentOrder(String preset) {
        for (Target t : List.of(OpenClDialect.TARGET, CudaDialect.AHEAD_OF_TIME)) {
            KernelPlan plan = Lowering.lower(Presets.get(preset), t);
            String src = SourceEmitter.emit(plan).text();
            Matcher m = SIGNATURE.matcher(src);
            int found = 0;
            while (m.find()) {
                PlannedKernel k = plan.kernel(KernelRole.byEntry(m.group(1)));
                String[] decl = m.group(2).split(",");
                List<String> cParams = new ArrayList<>();
                for (String a : decl) cParams.add(a.trim().replaceAll(".*[\\s*]", ""));
                List<String> host = k.args().stream().map(a -> a instanceof KernelArg.Buffer b ? b.param() : a.name()).toList();
                assertEquals(host, cParams, preset + " " + k.name());
                for (int i = 0; i < decl.length; i++)
                    if (k.args().get(i) instanceof KernelArg.Buffer b)
                        assertEquals(!b.writes(), decl[i].contains("const "), k.name() + ": " + decl[i] + " is read-only exactly when the host binds it as an input");
                found++;
            }
            assertEquals(plan.kernels().size(), found, "every planned kernel has one generated signature");
        }
    }

    @Test
    void dialectsAreFoundByServiceLoaderAndDescribeTheirTargets() {
        assertEquals(List.of(BackendId.CUDA, BackendId.OPENCL), Dialects.ids());
        assertEquals(".cu", Dialects.parse("CUDA").extension());
        assertTrue(Dialects.get(BackendId.CUDA).compilesAheadOfTime());
        assertFalse(Dialects.get(BackendId.OPENCL).compilesAheadOfTime());
        assertTrue(CudaDialect.cuda("sm_90a").caps().wgmma());
        assertFalse(CudaDialect.cuda("sm_80").caps().wgmma());
        assertFalse(CudaDialect.cuda("sm_75").caps().tensorCores(), "bf16 mma.sync m16n8k16 needs sm_80");
        var e = assertThrows(IllegalArgumentException.class, () -> Dialects.parse("metal"));
        assertEquals("backend = 'metal': allowed: cuda, opencl", e.getMessage());
    }

    @Test
    void generationIsALibraryCallWithAManifest() throws Exception {
        var s = Presets.get("olmoe-1b-7b").scaled(8);
        Generation g = Generator.generate(s, OpenClDialect.TARGET, ParamResolver.resolve(s, OpenClDialect.TARGET, Map.of("block_m", "32"), TunedParams.NONE, 0));
        List<String> paths = g.files().stream().map(Generation.OutputFile::path).toList();
        assertEquals(List.of("olmoe_1b_7b_s8.cl", "plan.json", "java/dev/moegen/generated/Olmoe1b7bS8Layer.java", "manifest.json"), paths);
        assertEquals(paths, g.manifest().files());
        assertEquals("opencl", g.manifest().backend());
        assertEquals(SourceEmitter.specHash(s), g.manifest().specHash());
        assertEquals(dev.moegen.codegen.emit.TemplateHash.get(), g.manifest().templateHash());
        assertEquals(16, g.manifest().templateHash().length());
        assertEquals("override", g.manifest().paramSources().get("block_m"));
        assertEquals(32, g.manifest().params().get("block_m"));
        String plan = new String(g.files().get(1).bytes(), StandardCharsets.UTF_8);
        assertTrue(plan.contains("\"num_tokens_post_padded\"") && plan.contains("\"block_m\" : 32"), plan);
        assertFalse(g.compiled(), "OpenCL builds at load time");
    }

    /**
     * Tiles by regime on wgmma: decode keeps 64x64 tiles; once an expert's mean rows reach 128 (qwen3: T = 2048 at top-8 of
     * 128) the heuristic takes 128x128 tiles with two warpgroups, 4 stages where Hopper's shared memory holds them and 3
     * ahead of time (sm_80's limit); the mma loop and the CPU keep their tiles; every point is feasible.
     */
    @Test
    void wgmmaTakesPrefillTilesFromAHundredAndTwentyEightRowsPerExpert() {
        var qwen3 = Presets.get("qwen3-30b-a3b");
        Target hopper = CudaDialect.cuda("sm_90a"), aot = CudaDialect.AHEAD_OF_TIME, ampere = CudaDialect.cuda("sm_80");
        record Want(Target t, int tokens, int blockM, int blockN, int warpsM, int stages) {}
        for (Want w : List.of(new Want(hopper, 1, 64, 64, 4, 4), new Want(hopper, 2047, 64, 64, 4, 4), new Want(hopper, 2048, 128, 128, 8, 4),
                new Want(aot, 4096, 128, 128, 8, 3), new Want(ampere, 4096, 64, 64, 4, 3))) {
            KernelParams p = ParamResolver.resolve(qwen3, w.t(), Map.of(), TunedParams.NONE, w.tokens()).params();
            String at = w.t().arch() + " T=" + w.tokens() + ": " + p;
            assertEquals(List.of(w.blockM(), w.blockN(), w.warpsM(), w.stages()), List.of(p.blockM(), p.blockN(), p.warpsM(), p.stages()), at);
            assertEquals(List.of(), ParameterSpace.of(qwen3, w.t()).violations(p), at);
        }
        KernelParams cpu = ParamResolver.resolve(qwen3, OpenClDialect.TARGET, Map.of(), TunedParams.NONE, 4096).params();
        assertEquals(Heuristic.defaults(qwen3, OpenClDialect.TARGET), cpu, "no regime tiles off wgmma");
    }
}

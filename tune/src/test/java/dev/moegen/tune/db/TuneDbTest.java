package dev.moegen.tune.db;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.ParamResolver;
import dev.moegen.codegen.params.ParamSource;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneDbTest {
    static final Target CPU = OpenClDialect.TARGET;
    static final DeviceKey DEV = new DeviceKey("opencl", "cpu-a", "driver 1", "cpu-vendor-simd16");
    static final MoeLayerSpec QWEN = Presets.get("qwen3-30b-a3b").scaled(8);
    static final String G = Family.GROUP_GEMM.id();

    static Map<String, Object> tiled(int blockM, int blockN) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gemm", "tiled");
        m.put("block_m", blockM);
        m.put("block_n", blockN);
        m.put("mwi", 2);
        m.put("nwi", 1);
        m.put("vw", 8);
        return m;
    }

    static List<String> concat(List<String> a, String[] b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    static DbFile file(DeviceKey dev, MoeLayerSpec spec, int bucket, Map<String, Object> params, double ms) {
        return new DbFile(DbFile.FORMAT, "test", TemplateHash.of(Family.GROUP_GEMM), dev, G, ShapeKey.of(spec), new TreeMap<>())
                .with(bucket, new TunedEntry(params, ms, 2 * ms, 10, 0, "bayes", "uniform", "2026-11-30")).keyed();
    }

    @Test
    void theChainGoesExactThenNearestBucketThenNearestShapeThenSameArchitecture(@TempDir Path dir) throws Exception {
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        TuneDb.record(dir, file(DEV, QWEN, 512, tiled(32, 64), 5));
        TuneDb db = TuneDb.open(List.of(dir), false);
        assertTrue(db.warnings().isEmpty(), db.warnings().toString());
        var exact = db.lookup(DEV, QWEN, CPU, G, 16).orElseThrow();
        assertEquals("exact", exact.level());
        assertEquals(8, exact.entry().params().get("block_m"));
        var near = db.lookup(DEV, QWEN, CPU, G, 20).orElseThrow();
        assertEquals("nearest bucket", near.level());
        assertEquals(16, near.bucket());
        assertEquals(512, db.lookup(DEV, QWEN, CPU, G, 300).orElseThrow().bucket());
        assertEquals(512, db.lookup(DEV, QWEN, CPU, G, 0).orElseThrow().bucket(), "any T: the largest bucket");
        MoeLayerSpec other = Presets.get("qwen3-30b-a3b").scaled(16);
        var shape = db.lookup(DEV, other, CPU, G, 16).orElseThrow();
        assertEquals("nearest shape", shape.level());
        DeviceKey sibling = new DeviceKey("opencl", "cpu-b", "driver 2", DEV.arch());
        assertEquals("same architecture", db.lookup(sibling, QWEN, CPU, G, 16).orElseThrow().level());
        DeviceKey foreign = new DeviceKey("opencl", "gpu", "driver 1", "gpu-vendor-simd4");
        assertTrue(db.lookup(foreign, QWEN, CPU, G, 16).isEmpty(), "another architecture: the heuristic");
    }

    @Test
    void entriesAreKeyedByTheGroupGemmTemplatesOnly() {
        assertTrue(Family.GROUP_GEMM.builtFrom("common/group_gemm_tiled.ftl"));
        assertTrue(Family.GROUP_GEMM.builtFrom("opencl/vector.ftl"));
        assertFalse(Family.GROUP_GEMM.builtFrom("common/gating.ftl"), "a gating change leaves GroupGEMM entries current");
        assertFalse(Family.GROUP_GEMM.builtFrom("common/bench.ftl"));
        assertNotEquals(TemplateHash.get(), TemplateHash.of(Family.GROUP_GEMM));
        assertEquals(16, TemplateHash.of(Family.GROUP_GEMM).length());
        // per main loop: Hopper work on the tensor-core loops leaves a CPU's tiled entries current, and the reverse
        var tiled = java.util.EnumSet.of(KernelParams.Gemm.TILED);
        var tc = java.util.EnumSet.of(KernelParams.Gemm.MMA, KernelParams.Gemm.WGMMA);
        assertFalse(Family.gemmBuiltFrom("common/group_gemm_tc.ftl", tiled));
        assertFalse(Family.gemmBuiltFrom("cuda/tensor_core.ftl", tiled));
        assertFalse(Family.gemmBuiltFrom("common/group_gemm_tiled.ftl", tc));
        assertTrue(Family.gemmBuiltFrom("common/gemm_common.ftl", tiled) && Family.gemmBuiltFrom("cuda/prelude.ftl", tc));
        assertNotEquals(TemplateHash.ofGemmLoops(tiled), TemplateHash.ofGemmLoops(tc));
        assertEquals(TemplateHash.of(Family.GROUP_GEMM), TemplateHash.ofGemmLoops(java.util.EnumSet.allOf(KernelParams.Gemm.class)));
    }

    /** A file's entries decide its key: recording a tensor-core entry beside tiled ones keeps both, keyed by both loops. */
    @Test
    void aFileIsKeyedByTheLoopsOfItsEntries(@TempDir Path dir) throws Exception {
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        DbFile one = TuneDb.open(List.of(dir), false).files().get(0);
        assertEquals(TemplateHash.ofGemmLoops(java.util.EnumSet.of(KernelParams.Gemm.TILED)), one.templateHash());
        var mma = new java.util.LinkedHashMap<String, Object>(Map.of("gemm", "mma", "block_m", 16, "block_n", 16, "block_k", 32, "warps_m", 1, "warps_n", 1,
                "stages", 2, "group_m", 1, "split_k", 1, "split_max_tokens", 0));
        TuneDb.record(dir, file(DEV, QWEN, 128, mma, 1.0));
        var db = TuneDb.open(List.of(dir), false);
        assertTrue(db.warnings().isEmpty(), db.warnings().toString());
        DbFile both = db.files().get(0);
        assertEquals(java.util.Set.of(16, 128), both.buckets().keySet(), "the tiled entry survives a tensor-core one");
        assertEquals(TemplateHash.ofGemmLoops(java.util.EnumSet.of(KernelParams.Gemm.TILED, KernelParams.Gemm.MMA)), both.templateHash());
    }

    @Test
    void theResolverTakesTunedValuesAndSaysWhereFrom(@TempDir Path dir) throws Exception {
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        var tuned = TuneDb.open(List.of(dir), false).forDevice(DEV, G);
        var r = ParamResolver.resolve(QWEN, CPU, Map.of("vw", "4"), tuned, 16);
        assertEquals(8, r.params().blockM());
        assertEquals(ParamSource.TUNED, r.source(Param.BLOCK_M));
        assertEquals(ParamSource.OVERRIDE, r.source(Param.VW), "an override beats the database");
        assertEquals(4, r.params().vw());
        assertEquals(ParamSource.HEURISTIC, r.source(Param.GATE_WG), "other families are not tuned");
        assertTrue(r.tunedFrom().startsWith("exact: T=16"), r.tunedFrom());
    }

    @Test
    void anEntryInfeasibleForThisLayerIsSkipped(@TempDir Path dir) throws Exception {
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        Map<String, Object> bad = tiled(8, 16);
        bad.put("mwi", 16); // block_m 8 is not a multiple of mwi 16
        TuneDb.record(dir, file(DEV, QWEN, 32, bad, 0.4));
        var hit = TuneDb.open(List.of(dir), false).lookup(DEV, QWEN, CPU, G, 32).orElseThrow();
        assertEquals(16, hit.bucket(), "the infeasible T=32 entry is passed over");
    }

    @Test
    void corruptForeignAndStaleFilesWarnAndFallBackWithoutTouchingThem(@TempDir Path dir) throws Exception {
        Path devDir = Files.createDirectories(dir.resolve("x"));
        Files.writeString(devDir.resolve("corrupt.json"), "{\"format\": \"moegen-tuned/1\", \"bucke");
        Files.writeString(devDir.resolve("foreign.json"), "{\"format\": \"moegen-tuned/99\"}");
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        TuneDb stale = TuneDb.open(List.of(dir), false, "0000000000000000");
        assertTrue(stale.lookup(DEV, QWEN, CPU, G, 16).isEmpty());
        String w = String.join("\n", stale.warnings());
        assertTrue(w.contains("corrupt.json: not a moegen tuned-database file"), w);
        assertTrue(w.contains("foreign.json: format 'moegen-tuned/99'"), w);
        assertTrue(w.contains("stale, tuned with templates " + TemplateHash.ofGemmLoops(java.util.EnumSet.of(KernelParams.Gemm.TILED))), w);
        assertEquals("{\"format\": \"moegen-tuned/1\", \"bucke", Files.readString(devDir.resolve("corrupt.json")), "reading never rewrites");
        // the current templates trust the good file and still name the broken ones
        TuneDb fresh = TuneDb.open(List.of(dir), false);
        assertEquals("exact", fresh.lookup(DEV, QWEN, CPU, G, 16).orElseThrow().level());
        assertEquals(2, fresh.warnings().size(), fresh.warnings().toString());
    }

    @Test
    void recordingOverACorruptFileKeepsItAsideAndAStaleOneIsReplaced(@TempDir Path dir) throws Exception {
        DbFile f = file(DEV, QWEN, 16, tiled(8, 16), 0.5);
        Path target = dir.resolve(f.relativePath());
        Files.createDirectories(target.getParent());
        Files.writeString(target, "not json");
        List<String> w = TuneDb.record(dir, f);
        assertTrue(w.get(0).contains("kept as"), w.toString());
        try (var s = Files.list(target.getParent())) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().contains(".corrupt-")));
        }
        DbFile old = new DbFile(DbFile.FORMAT, "test", "0000000000000000", DEV, G, ShapeKey.of(QWEN), new TreeMap<>())
                .with(512, new TunedEntry(tiled(32, 64), 5, 6, 1, 0, "bayes", "uniform", "2026-01-01"));
        TuneDb.JSON.writeValue(target.toFile(), old);
        assertTrue(TuneDb.record(dir, f).get(0).contains("stale entries are replaced"));
        assertEquals(List.of(16), new ArrayList<>(TuneDb.open(List.of(dir), false).files().get(0).buckets().keySet()));
    }

    /** The shipped database parses, and every entry's parameters are feasible for its own shape on a CPU like the one it was tuned on. */
    @Test
    void theShippedDatabaseIsWellFormed() throws Exception {
        try (var in = TuneDb.class.getResourceAsStream(TuneDb.SHIPPED)) {
            assertNotNull(in, TuneDb.SHIPPED);
            DbFile[] files = TuneDb.JSON.readValue(in, DbFile[].class);
            assertTrue(files.length >= 2);
            Target cpu = OpenClDialect.TARGET.withLimits(new dev.moegen.codegen.platform.DeviceLimits(4096, 1 << 20, 1 << 20, 0, 2, 16, 6L << 30));
            for (DbFile f : files) {
                assertEquals(DbFile.FORMAT, f.format());
                assertEquals(G, f.family());
                assertEquals(java.util.Set.of(1, 16, 128, 512), f.buckets().keySet(), f.relativePath());
                MoeLayerSpec spec = f.shape().experts() == 128 ? QWEN : Presets.get("mixtral-8x7b").scaled(16);
                assertEquals(f.shape(), ShapeKey.of(spec));
                for (TunedEntry e : f.buckets().values()) {
                    assertTrue(TuneDb.feasible(e, spec, cpu), e.params().toString());
                    assertTrue(e.ms() <= e.heuristicMs(), "each bucket records its winner: the tuned best, or the heuristic where nothing beat it");
                }
            }
        }
    }

    @Test
    void aFasterEntryWinsAndTwoTunersWritingAtOnceLoseNothing(@TempDir Path dir) throws Exception {
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(8, 16), 0.5));
        TuneDb.record(dir, file(DEV, QWEN, 16, tiled(16, 32), 0.7));
        assertEquals(8, TuneDb.open(List.of(dir), false).lookup(DEV, QWEN, CPU, G, 16).orElseThrow().entry().params().get("block_m"), "the slower one is not kept");
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int bucket = 1 << w;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int rep = 0; rep < 5; rep++) TuneDb.record(dir, file(DEV, QWEN, bucket, tiled(8, 16), 0.1 * bucket + 0.01 * rep));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        // and two other processes at the same time (the OS file lock; the JVM lock only orders this process's threads)
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(), cp = System.getProperty("java.class.path");
        List<Process> ps = new ArrayList<>();
        for (String buckets : new String[] {"1000 1001 1002", "2000 2001 2002"})
            ps.add(new ProcessBuilder(concat(List.of(java, "-cp", cp, RecordMain.class.getName(), dir.toString()), buckets.split(" "))).inheritIO().start());
        for (Thread t : ts) t.join();
        for (Process p : ps) assertEquals(0, p.waitFor(), "the other process's writes succeed");
        TuneDb db = TuneDb.open(List.of(dir), false);
        assertTrue(db.warnings().isEmpty(), db.warnings().toString());
        assertEquals(14, db.files().get(0).buckets().size(), db.files().get(0).buckets().keySet().toString());
        try (var s = Files.walk(dir)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left behind");
        }
    }
}

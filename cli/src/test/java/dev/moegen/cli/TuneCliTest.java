package dev.moegen.cli;

import static dev.moegen.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.params.Family;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.testkit.Guards;
import dev.moegen.tune.db.DbFile;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.ShapeKey;
import dev.moegen.tune.db.TuneDb;
import dev.moegen.tune.db.TunedEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneCliTest {
    static final String PRESET = "mixtral-8x7b";
    static final MoeLayerSpec SMALL = Presets.get(PRESET).scaled(32);

    /** An entry for this machine's OpenCL device, as a tune would write it. */
    static void seed(Path db, int bucket, int blockM) throws Exception {
        DeviceKey dev = DeviceKey.of(Backends.provider("opencl").devices().get(0));
        Map<String, Object> p = new LinkedHashMap<>(Map.of("gemm", "tiled", "block_m", blockM, "block_n", 16, "mwi", 2, "nwi", 1, "vw", 8));
        TuneDb.record(db, new DbFile(DbFile.FORMAT, "test", TemplateHash.of(Family.GROUP_GEMM), dev, Family.GROUP_GEMM.id(), ShapeKey.of(SMALL), new TreeMap<>())
                .with(bucket, new TunedEntry(p, 0.1, 0.2, 5, 0, "bayes", "uniform", "2026-11-30")));
    }

    @Test
    void verifyBenchParamsAndGeneratePickTheTunedEntryUpAndSaySo(@TempDir Path dir) throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        Path db = dir.resolve("db");
        seed(db, 8, 8);
        seed(db, 64, 32);
        var v = run("verify", "--preset", PRESET, "--scale", "32", "--tokens", "8,64", "--db", db.toString(), "--seed", "1");
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("params (T=8) gemm=tiled (tuned), block_m=8 (tuned)"), v.out());
        assertTrue(v.out().contains("params (T=64) gemm=tiled (tuned), block_m=32 (tuned)"), v.out());
        assertTrue(v.out().contains("tuned: exact: T=8 of " + ShapeKey.of(SMALL).slug()), v.out());
        var near = run("params", "--preset", PRESET, "--scale", "32", "--backend", "device", "--tokens", "20", "--db", db.toString());
        assertEquals(0, near.code(), near.err());
        assertTrue(near.out().contains("tuned entry: nearest bucket: T=8"), near.out());
        var b = run("bench", "--preset", PRESET, "--scale", "32", "--tokens", "64", "--reps", "2", "--peers", "none", "--floor-mib", "8", "--flush-mib", "8",
                "--db", db.toString());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("tuned: exact: T=64"), b.out());
        var g = run("generate", "--preset", PRESET, "--scale", "32", "--backend", "opencl", "--db", db.toString(), "--out", dir.resolve("g").toString());
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("block_m=32 (tuned)"), "generate takes the largest bucket: " + g.out());
        var none = run("verify", "--preset", PRESET, "--scale", "32", "--tokens", "8", "--db", dir.resolve("empty-db").toString());
        assertEquals(2, none.code(), "a --db folder that does not exist is bad input");
        assertTrue(none.err().contains("--db"), none.err());
        Files.createDirectories(dir.resolve("empty-db"));
        var heuristic = run("verify", "--preset", PRESET, "--scale", "32", "--tokens", "8", "--db", dir.resolve("empty-db").toString());
        assertEquals(0, heuristic.code(), heuristic.err());
        assertTrue(heuristic.out().contains("tuned: none"), heuristic.out());
    }

    @Test
    void aStaleOrCorruptDatabaseWarnsAndFallsBack(@TempDir Path dir) throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        Path db = dir.resolve("db");
        seed(db, 8, 8);
        Path f;
        try (var s = Files.walk(db)) {
            f = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.writeString(f, Files.readString(f).replaceAll("(?<key>\"templateHash\"\\s*:\\s*\")[0-9a-f]{16}", "${key}0000000000000000"));
        Files.writeString(f.resolveSibling("broken.json"), "{");
        var v = run("verify", "--preset", PRESET, "--scale", "32", "--tokens", "8", "--db", db.toString());
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().contains("warning: tuned database: ignoring " + f + ": stale"), v.out());
        assertTrue(v.out().contains("broken.json: not a moegen tuned-database file"), v.out());
        assertTrue(v.out().contains("tuned: none"), v.out());
    }

    @Test
    void tuneExhaustiveThenReplayThenMerge(@TempDir Path dir) throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        Path db = dir.resolve("db");
        var t = run("tune", "--preset", PRESET, "--scale", "32", "--tokens", "64", "--loops", "simt", "--strategy", "exhaustive", "--reps", "2", "--flush-mib", "4",
                "--db", db.toString());
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("T   points  evaluations"), t.out());
        assertTrue(t.out().contains("chart: "), t.out());
        Path cache;
        try (var s = Files.walk(db.resolve("cache"))) {
            cache = s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        try (var s = Files.walk(db.resolve("reports"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".png")));
        }
        var r = run("tune", "replay", "--cache", cache.toString(), "--seeds", "5");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"bayes", "random", "exhaustive", "median evaluations"}) assertTrue(r.out().contains(s), r.out());
        // merge: two shard databases into one, and the shipped (bundle) form
        Path a = dir.resolve("a"), b = dir.resolve("b");
        seed(a, 8, 8);
        seed(b, 64, 32);
        Path bundle = dir.resolve("bundle.json");
        var m = run("tune", "merge", "--db", dir.resolve("merged").toString(), "--bundle", bundle.toString(), a.toString(), b.toString());
        assertEquals(0, m.code(), m.err());
        TuneDb merged = TuneDb.open(java.util.List.of(dir.resolve("merged")), false);
        assertEquals(java.util.List.of(8, 64), new java.util.ArrayList<>(merged.files().get(0).buckets().keySet()));
        assertTrue(Files.readString(bundle).trim().startsWith("["));
        var show = run("tune", "show", "--db", dir.resolve("merged").toString());
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains(ShapeKey.of(SMALL).slug()) && show.out().contains("2.00×") && show.out().contains("block_m=32"), show.out());
        var shipped = run("tune", "show");
        assertEquals(0, shipped.code(), shipped.err());
        assertTrue(shipped.out().contains("E128-H256-I96-K8-bf16-swiglu") && shipped.out().contains("E8-H256-I896-K2-bf16-swiglu"), "the shipped database: " + shipped.out());
    }

    @Test
    void badTuneInputIsExitTwoAndNamesTheProblem() {
        String[][] cases = {
            {"--shard", "5/2", "0 <= i < n"}, {"--routing", "skewed", "allowed: uniform, zipf"}, {"--time", "5x", "expected a number with s, m or h"},
            {"--strategy", "grid", "allowed: bayes, random, exhaustive"}, {"--budget", "-1", "--budget = -1"}, {"--loops", "fast", "allowed: simt, tiled"}};
        for (String[] c : cases) {
            var r = run("tune", "--preset", PRESET, "--scale", "32", "--tokens", "8", c[0], c[1]);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
        }
        var r = run("tune", "merge", "--db", "/tmp/x", "/nonexistent-moegen-db");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such folder"), r.err());
        r = run("tune", "replay", "--cache", "/nonexistent.jsonl");
        assertEquals(2, r.code());
    }
}

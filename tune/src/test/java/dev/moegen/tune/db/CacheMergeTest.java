package dev.moegen.tune.db;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.search.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheMergeTest {
    static final Map<String, Object> CTX = Map.of("device", "cpu", "tokens", 8, "points", 4);

    @Test
    void theShardsOfOneSweepBecomeOneCacheAndAForeignTargetIsLeftAlone(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b"), into = dir.resolve("into");
        EvalCache s0 = EvalCache.open(a.resolve("cache/dev/shape/T8-uniform-abc-shard0of2.jsonl"), CTX);
        s0.record(Evaluation.ok("p0", 1e-3, Map.of()));
        s0.record(Evaluation.ok("p2", 3e-3, Map.of()));
        EvalCache s1 = EvalCache.open(b.resolve("cache/dev/shape/T8-uniform-abc-shard1of2.jsonl"), CTX);
        s1.record(Evaluation.ok("p1", 2e-3, Map.of()));
        s1.record(Evaluation.failed("p3", Evaluation.Status.WRONG, "max error 1"));
        var r = CacheMerge.merge(List.of(a, b), into);
        assertEquals(4, r.added());
        assertEquals(2, r.files());
        EvalCache merged = EvalCache.read(into.resolve("cache/dev/shape/T8-uniform-abc.jsonl"));
        assertEquals(java.util.Set.of("p0", "p1", "p2", "p3"), merged.entries().keySet());
        assertEquals(Evaluation.Status.WRONG, merged.entries().get("p3").status());
        assertEquals(0, CacheMerge.merge(List.of(a, b), into).added(), "merging again adds nothing");
        // a cache of another problem at the target path is refused and kept as it was
        Path other = dir.resolve("other");
        EvalCache.open(other.resolve("cache/dev/shape/T8-uniform-abc.jsonl"), Map.of("device", "gpu", "tokens", 8, "points", 4));
        String before = Files.readString(other.resolve("cache/dev/shape/T8-uniform-abc.jsonl"));
        var clash = CacheMerge.merge(List.of(a), other);
        assertEquals(0, clash.added());
        assertTrue(clash.warnings().get(0).contains("belongs to another problem"), clash.warnings().toString());
        assertEquals(before, Files.readString(other.resolve("cache/dev/shape/T8-uniform-abc.jsonl")));
    }
}

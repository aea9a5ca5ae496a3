package dev.moegen.autotune;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.autotune.cache.CachedObjective;
import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.replay.ReplayStudy;
import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Tuning;
import dev.moegen.autotune.strategy.Strategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheAndReplayTest {
    static final Map<String, Object> CTX = Map.of("device", "synthetic", "bucket", 16);

    @Test
    void evaluationsRoundTripAndAResumedSearchMeasuresNothingTwice(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Bowl b = new Bowl();
        var first = Tuning.run(b.space, new CachedObjective(b.space, EvalCache.open(f, CTX), b), Strategies.byId("random"), Budget.evaluations(30), 3, null);
        assertEquals(30, b.calls);
        EvalCache back = EvalCache.read(f);
        assertEquals(30, back.entries().size());
        assertTrue(back.warnings().isEmpty());
        for (var e : first.results().values()) {
            Evaluation r = back.entries().get(e.key());
            assertEquals(e.status(), r.status());
            if (e.ok()) assertEquals(e.seconds(), r.seconds(), 0);
            else assertEquals(e.detail(), r.detail());
            assertEquals(e.metrics(), r.metrics());
        }
        // the same seed again with a larger budget: the first 30 come from the cache
        Bowl again = new Bowl();
        var resumed = Tuning.run(again.space, new CachedObjective(again.space, EvalCache.open(f, CTX), again), Strategies.byId("random"), Budget.evaluations(50), 3, null);
        assertEquals(50, resumed.evaluations());
        assertEquals(20, again.calls);
        assertEquals(50, EvalCache.read(f).entries().size());
    }

    @Test
    void aPointThatKillsTheTunerIsRecordedAsFailedAndNeverRunAgain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Bowl b = new Bowl();
        int deadly = 5;
        var crashing = new dev.moegen.autotune.search.Objective() {
            @Override
            public Evaluation evaluate(int i) {
                if (i == deadly) throw new StackOverflowError("driver crash"); // stands for the process dying mid-measurement
                return b.evaluate(i);
            }
        };
        assertThrows(StackOverflowError.class,
                () -> Tuning.run(b.space, new CachedObjective(b.space, EvalCache.open(f, CTX), crashing), Strategies.byId("exhaustive"), Budget.unlimited(), 1, null));
        Evaluation left = EvalCache.read(f).entries().get(b.space.key(deadly));
        assertEquals(Evaluation.Status.RUNTIME_ERROR, left.status());
        assertEquals(CachedObjective.IN_PROGRESS, left.detail());
        Bowl again = new Bowl();
        var resumed = Tuning.run(again.space, new CachedObjective(again.space, EvalCache.open(f, CTX), again), Strategies.byId("exhaustive"), Budget.unlimited(), 1, null);
        assertEquals(again.space.size() - deadly - 1, again.calls, "the points before the crash and the deadly one come from the cache");
        assertFalse(resumed.results().get(deadly).ok());
        assertNotEquals(deadly, resumed.best().orElseThrow());
    }

    @Test
    void aLineCutShortByACrashIsSkippedWithAWarning(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Bowl b = new Bowl();
        Tuning.run(b.space, new CachedObjective(b.space, EvalCache.open(f, CTX), b), Strategies.byId("exhaustive"), Budget.evaluations(5), 1, null);
        Files.writeString(f, "{\"key\":\"a=0,b=0,c=0,d=4\",\"sta", StandardOpenOption.APPEND);
        EvalCache c = EvalCache.read(f);
        assertEquals(5, c.entries().size());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("line 12"), c.warnings().get(0)); // header, then a pending and a result line per point
    }

    @Test
    void aCacheOfAnotherProblemIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        EvalCache.open(f, CTX).record(Evaluation.ok("p", 1e-3, Map.of()));
        String before = Files.readString(f);
        var e = assertThrows(IllegalArgumentException.class, () -> EvalCache.open(f, Map.of("device", "synthetic", "bucket", 32)));
        assertTrue(e.getMessage().contains("bucket = 16 (this run: 32)"), e.getMessage());
        assertEquals(before, Files.readString(f));
        Path junk = dir.resolve("junk.jsonl");
        Files.writeString(junk, "hello\n");
        assertThrows(IllegalArgumentException.class, () -> EvalCache.open(junk, CTX));
        assertEquals("hello\n", Files.readString(junk));
    }

    @Test
    void twoWritersAtOnceNeverInterleaveLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        EvalCache.open(f, CTX);
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    EvalCache mine = EvalCache.open(f, CTX);
                    for (int i = 0; i < 50; i++) mine.record(Evaluation.ok("w" + id + "-" + i, 1e-3 * (i + 1), Map.of("x", (double) i)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        EvalCache c = EvalCache.read(f);
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        assertEquals(200, c.entries().size());
    }

    @Test
    void replayNeedsNoDeviceAndTheModelGuidedSearchBeatsRandom(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.jsonl");
        Bowl b = new Bowl();
        Tuning.run(b.space, new CachedObjective(b.space, EvalCache.open(f, CTX), b), Strategies.byId("exhaustive"), Budget.unlimited(), 1, null);
        EvalCache cache = EvalCache.read(f);
        var figures = ReplayStudy.run(b.space, cache, Strategies.all(), 20, 0.03);
        var byId = new java.util.HashMap<String, ReplayStudy.Figure>();
        for (var fig : figures) byId.put(fig.strategy(), fig);
        assertEquals(20, byId.get("bayes").perSeed().length);
        assertTrue(byId.get("bayes").median() < byId.get("random").median(), figures.toString());
        assertTrue(byId.get("bayes").fractionOfSpace() <= 0.10, "bayes needs " + byId.get("bayes").median() + " of " + b.space.size());
        // a cache that does not cover the space cannot be replayed
        Path part = dir.resolve("part.jsonl");
        Bowl b2 = new Bowl();
        Tuning.run(b2.space, new CachedObjective(b2.space, EvalCache.open(part, CTX), b2), Strategies.byId("random"), Budget.evaluations(10), 1, null);
        var e = assertThrows(IllegalArgumentException.class, () -> ReplayStudy.run(b2.space, EvalCache.read(part), Strategies.all(), 2, 0.03));
        assertTrue(e.getMessage().contains("exhaustive"), e.getMessage());
    }
}

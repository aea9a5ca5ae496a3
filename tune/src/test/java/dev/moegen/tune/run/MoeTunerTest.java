package dev.moegen.tune.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.strategy.Strategies;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.Param;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.harness.measure.CacheFlush;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.testkit.Guards;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.TuneDb;
import dev.moegen.tune.measure.CandidateObjective;
import dev.moegen.tune.routing.RoutedInputs;
import dev.moegen.tune.routing.Routing;
import dev.moegen.tune.space.GemmSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tuning on the CPU through PoCL: a small layer, a few evaluations, so CI runs the whole path. */
class MoeTunerTest {
    static final MoeLayerSpec SMALL = Presets.get("mixtral-8x7b").scaled(32);

    @Test
    void aBucketIsTunedThroughItsCacheAndAResumeMeasuresNothingAgain(@TempDir Path dir) throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        try (DeviceSession s = Backends.open("opencl")) {
            var o = new MoeTuner.Options(new Routing.Zipf(1.2), Strategies.byId("random"), Budget.evaluations(4), 3, 8 << 20, 3, dir, 0, 1, false,
                    List.of(KernelParams.Gemm.TILED));
            var r = MoeTuner.tuneBucket(s, SMALL, 8, o, null);
            assertEquals(4, r.phases().get(0).evaluations());
            if (r.phases().size() > 1) assertEquals(4, r.phases().get(1).evaluations(), "GroupGEMM 2's tile is tuned on its own");
            assertTrue(r.heuristicMs() > 0 && r.bestMs() > 0);
            EvalCache c = EvalCache.read(r.cache());
            assertEquals(4, c.entries().size());
            assertEquals("zipf:1.2", c.context().get("routing"));
            DeviceKey dev = DeviceKey.of(s.device());
            var hit = TuneDb.open(List.of(dir), false).lookup(dev, SMALL, s.target(), Family.GROUP_GEMM.id(), 8);
            assertTrue(r.recorded(), "every bucket records its winner");
            assertEquals("exact", hit.orElseThrow().level());
            assertEquals(r.bestMs() < r.heuristicMs() ? r.best() : r.heuristic(), r.winner(), "the heuristic where nothing beat it");
            assertEquals(GemmSpace.values(r.winner()), hit.get().entry().params().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
            assertTrue(hit.get().entry().ms() <= hit.get().entry().heuristicMs());
            long lines = Files.lines(r.cache()).count();
            var again = MoeTuner.tuneBucket(s, SMALL, 8, new MoeTuner.Options(o.routing(), o.strategy(), o.budget(), 3, 8 << 20, 3, dir, 0, 1, true, o.loops()), null);
            assertEquals(r.evaluations(), again.evaluations());
            assertEquals(lines, Files.lines(r.cache()).count(), "--resume answers from the cache");
        }
    }

    @Test
    void aCandidateThatCannotBeBuiltIsRecordedWithItsReasonAndAGoodOneIsVerifiedThenTimed() {
        Guards.openCl(OpenCl.unavailableReason());
        try (DeviceSession s = Backends.open("opencl")) {
            GemmSpace space = GemmSpace.of(SMALL, s.target(), 4, List.of());
            var obj = new CandidateObjective(s, RoutedInputs.of(SMALL, 4, new Routing.Uniform(), 1), 2, new CacheFlush(s, 1 << 20));
            KernelParams bad = Heuristic.defaults(SMALL, s.target()).toBuilder().set(Param.MWI, 3).build();
            Evaluation e = obj.measure(bad, "bad");
            assertEquals(Evaluation.Status.COMPILE_ERROR, e.status());
            assertTrue(e.detail().contains("block_m must be a multiple of mwi"), e.detail());
            Evaluation good = obj.measure(Heuristic.defaults(SMALL, s.target()), "heuristic");
            assertTrue(good.ok(), good.detail());
            assertTrue(good.metrics().get("gemm1_ms") > 0 && good.metrics().get("gemm2_ms") > 0);
        }
    }
}

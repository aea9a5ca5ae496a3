package dev.moegen.tune.run;

import dev.moegen.autotune.cache.CachedObjective;
import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.search.Search;
import dev.moegen.autotune.search.Strategy;
import dev.moegen.autotune.search.Tuning;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.harness.measure.CacheFlush;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.tune.db.DbFile;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.ShapeKey;
import dev.moegen.tune.db.TuneDb;
import dev.moegen.tune.db.TunedEntry;
import dev.moegen.tune.measure.CandidateObjective;
import dev.moegen.tune.routing.RoutedInputs;
import dev.moegen.tune.routing.Routing;
import dev.moegen.tune.space.GemmSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tunes a layer's GroupGEMM family on a device session, one token bucket at a time: the bucket's pruned space, inputs
 * routed as asked, every evaluation through the bucket's cache (so an interrupted tune resumes and a finished one
 * replays), the heuristic's point measured first, the strategy under its budget, then the best and the heuristic timed
 * again alternately, and the best written to the database when it beats the heuristic.
 */
public final class MoeTuner {
    private MoeTuner() {}

    /**
     * How to tune: routing of the inputs, strategy and budget, timed runs per evaluation, cache-flush bytes, seed, the
     * database folder written (its cache/ subfolder holds the evaluation caches), a shard of the space (0/1: all),
     * whether to reuse cached evaluations, and the main loops searched (empty: every loop the target runs).
     */
    public record Options(Routing routing, Strategy strategy, Budget budget, int reps, long flushBytes, long seed, Path db, int shard, int shards,
                          boolean resume, List<KernelParams.Gemm> loops) {}

    /** One bucket's result: the space, the search's outcome, the best and heuristic points with their confirmed times (ms). */
    public record BucketResult(int tokens, long enumerated, int points, Tuning.Outcome outcome, KernelParams heuristic, KernelParams best, double bestMs,
                               double heuristicMs, boolean recorded, Path cache, List<String> warnings) {
        public double speedup() {
            return heuristicMs / bestMs;
        }
    }

    /** The evaluation cache of one bucket: under the database folder, by device, shape, bucket, routing and templates. */
    public static Path cacheFile(Options o, DeviceKey dev, MoeLayerSpec spec, int tokens) {
        String name = "T" + tokens + "-" + o.routing().id().replaceAll("[^A-Za-z0-9.]+", "_") + "-" + TemplateHash.get()
                + (o.shards() > 1 ? "-shard" + o.shard() + "of" + o.shards() : "") + ".jsonl";
        return o.db().resolve("cache").resolve(dev.slug()).resolve(ShapeKey.of(spec).slug()).resolve(name);
    }

    /** What a cache file's header records: the problem it belongs to. */
    public static Map<String, Object> context(Options o, DeviceKey dev, MoeLayerSpec spec, int tokens, GemmSpace space) {
        Map<String, Object> c = new TreeMap<>();
        c.put("device", dev.name());
        c.put("driver", dev.driver());
        c.put("backend", dev.backend());
        c.put("shape", ShapeKey.of(spec).slug());
        c.put("tokens", tokens);
        c.put("routing", o.routing().id());
        c.put("templates", TemplateHash.get());
        c.put("generator", SourceEmitter.GENERATOR_VERSION);
        c.put("family", Family.GROUP_GEMM.id());
        c.put("points", space.points().size());
        c.put("seed", o.seed());
        return c;
    }

    public static BucketResult tuneBucket(DeviceSession s, MoeLayerSpec spec, int tokens, Options o, Search.Listener listener) throws IOException {
        DeviceKey dev = DeviceKey.of(s.device());
        GemmSpace full = GemmSpace.of(spec, s.target(), tokens, o.loops());
        GemmSpace space = o.shards() > 1 ? full.shard(o.shard(), o.shards()) : full;
        if (space.points().isEmpty()) throw new IllegalArgumentException("no feasible GroupGEMM point for " + spec.name() + " on " + s.target().describe());
        Path cacheFile = cacheFile(o, dev, spec, tokens);
        EvalCache cache = EvalCache.open(cacheFile, context(o, dev, spec, tokens, full));
        List<String> warnings = new ArrayList<>(cache.warnings());
        CandidateObjective live = new CandidateObjective(s, space, RoutedInputs.of(spec, tokens, o.routing(), o.seed() + tokens), o.reps(), new CacheFlush(s, o.flushBytes()));
        CachedObjective objective = new CachedObjective(space.space(), cache, live, o.resume());
        KernelParams heuristic = heuristicFor(spec, s, tokens);
        Evaluation h = live.measure(heuristic, GemmSpace.key(heuristic));
        Tuning.Outcome out = Tuning.run(space.space(), objective, o.strategy(), o.budget(), o.seed(), listener);
        if (out.best().isEmpty() || !h.ok())
            return new BucketResult(tokens, full.enumerated(), space.points().size(), out, heuristic, null, Double.NaN, h.ok() ? h.seconds() * 1e3 : Double.NaN, false,
                    cacheFile, warnings(warnings, h));
        KernelParams best = space.point(out.best().get());
        if (!live.hasPassed(best)) live.measure(best, GemmSpace.key(best)); // answered from the cache: verify and load it now
        double bestMs, heuristicMs;
        if (best.equals(heuristic)) bestMs = heuristicMs = h.seconds() * 1e3;
        else {
            double[] c = live.confirm(best, heuristic, 3);
            bestMs = c[0];
            heuristicMs = c[1];
        }
        boolean record = bestMs < heuristicMs;
        if (record) {
            DbFile f = new DbFile(DbFile.FORMAT, SourceEmitter.GENERATOR_VERSION, TemplateHash.get(), dev, Family.GROUP_GEMM.id(), ShapeKey.of(spec), new TreeMap<>())
                    .with(tokens, new TunedEntry(GemmSpace.values(best), bestMs, heuristicMs, out.evaluations(), (int) out.failures(), o.strategy().id(), o.routing().id(),
                            java.time.LocalDate.now().toString()));
            warnings.addAll(TuneDb.record(o.db(), f));
        }
        return new BucketResult(tokens, full.enumerated(), space.points().size(), out, heuristic, best, bestMs, heuristicMs, record, cacheFile, warnings);
    }

    /** The heuristic's point as the tuned plan for this bucket would be built: split-K only where it applies at T. */
    static KernelParams heuristicFor(MoeLayerSpec spec, DeviceSession s, int tokens) {
        return Heuristic.defaults(spec, s.target());
    }

    private static List<String> warnings(List<String> w, Evaluation heuristic) {
        List<String> out = new ArrayList<>(w);
        if (!heuristic.ok()) out.add("the heuristic's point failed: " + heuristic.status() + " " + heuristic.detail());
        return out;
    }
}

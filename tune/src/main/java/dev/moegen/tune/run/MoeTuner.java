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

    /**
     * One bucket's result: the first phase's space, each phase's outcome (the second, GroupGEMM 2's own tile, when the
     * first phase's best is a tiled point), the heuristic and best points with their confirmed times (ms).
     */
    public record BucketResult(int tokens, long enumerated, int points, List<Tuning.Outcome> phases, KernelParams heuristic, KernelParams best,
                               double bestMs, double heuristicMs, boolean recorded, Path cache, List<String> warnings) {
        public double speedup() {
            return heuristicMs / bestMs;
        }

        /** The point the database records for this bucket: the best where it beat the heuristic, else the heuristic. */
        public KernelParams winner() {
            return best != null && bestMs < heuristicMs ? best : heuristic;
        }

        public int evaluations() {
            return phases.stream().mapToInt(Tuning.Outcome::evaluations).sum();
        }

        public long failures() {
            return phases.stream().mapToLong(Tuning.Outcome::failures).sum();
        }

        /** Best time so far (s) after each evaluation, across the phases. */
        public List<Double> bestSoFar() {
            List<Double> all = new ArrayList<>();
            double carry = Double.NaN;
            for (Tuning.Outcome o : phases)
                for (double b : o.bestSoFar()) all.add(carry = Double.isNaN(b) ? carry : Double.isNaN(carry) ? b : Math.min(carry, b));
            return all;
        }

        public java.time.Duration elapsed() {
            return phases.stream().map(Tuning.Outcome::elapsed).reduce(java.time.Duration.ZERO, java.time.Duration::plus);
        }

        /** Every failed evaluation of every phase. */
        public List<Evaluation> failed() {
            return phases.stream().flatMap(o -> o.results().values().stream()).filter(e -> !e.ok()).toList();
        }
    }

    /** The evaluation cache of one bucket: under the database folder, by device, shape, bucket, routing and templates. */
    public static Path cacheFile(Options o, DeviceKey dev, MoeLayerSpec spec, int tokens, String phase) {
        String name = "T" + tokens + "-" + o.routing().slug() + "-" + TemplateHash.of(Family.GROUP_GEMM) + phase
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
        c.put("templates", TemplateHash.of(Family.GROUP_GEMM));
        c.put("generator", SourceEmitter.GENERATOR_VERSION);
        c.put("family", Family.GROUP_GEMM.id());
        c.put("points", space.points().size());
        c.put("seed", o.seed());
        return c;
    }

    /** {@link #tuneBucket(DeviceSession, MoeLayerSpec, GemmSpace, int, Options, Search.Listener)} on the bucket's whole space. */
    public static BucketResult tuneBucket(DeviceSession s, MoeLayerSpec spec, int tokens, Options o, Search.Listener listener) throws IOException {
        return tuneBucket(s, spec, GemmSpace.of(spec, s.target(), tokens, o.loops()), tokens, o, listener);
    }

    /** @param full the bucket's first-phase space ({@link GemmSpace#of}); the options' shard of it is searched */
    public static BucketResult tuneBucket(DeviceSession s, MoeLayerSpec spec, GemmSpace full, int tokens, Options o, Search.Listener listener) throws IOException {
        DeviceKey dev = DeviceKey.of(s.device());
        GemmSpace space = o.shards() > 1 ? full.shard(o.shard(), o.shards()) : full;
        if (space.points().isEmpty()) throw new IllegalArgumentException("no feasible GroupGEMM point for " + spec.name() + " on " + s.target().describe());
        Path cacheFile = cacheFile(o, dev, spec, tokens, "");
        EvalCache cache = EvalCache.open(cacheFile, context(o, dev, spec, tokens, full)); // a cache of another problem fails before anything runs
        List<String> warnings = new ArrayList<>(cache.warnings());
        CandidateObjective live = new CandidateObjective(s, RoutedInputs.of(spec, tokens, o.routing(), o.seed() + tokens), o.reps(), new CacheFlush(s, o.flushBytes()));
        KernelParams heuristic = Heuristic.defaults(spec, s.target());
        Evaluation h = live.measure(heuristic, GemmSpace.key(heuristic));
        if (!h.ok()) warnings.add("the heuristic's point failed: " + h.status() + " " + h.detail());
        List<Tuning.Outcome> phases = new ArrayList<>();
        Tuning.Outcome first = phase(space, cache, live, o, listener);
        phases.add(first);
        if (first.best().isEmpty() || !h.ok())
            return new BucketResult(tokens, full.enumerated(), space.points().size(), phases, heuristic, null, Double.NaN, h.ok() ? h.seconds() * 1e3 : Double.NaN, false,
                    cacheFile, warnings);
        KernelParams best = space.point(first.best().get());
        double bestSeconds = first.bestEvaluation().orElseThrow().seconds();
        if (best.gemm() == KernelParams.Gemm.TILED) { // the second phase: GroupGEMM 2's own tile, GroupGEMM 1 fixed
            GemmSpace two = GemmSpace.gemm2(spec, s.target(), best);
            Map<String, Object> ctx = new TreeMap<>(context(o, dev, spec, tokens, two));
            ctx.put("phase", "gemm2 around " + GemmSpace.key(best));
            EvalCache cache2 = EvalCache.open(cacheFile(o, dev, spec, tokens, "-gemm2-" + Integer.toHexString(GemmSpace.key(best).hashCode())), ctx);
            warnings.addAll(cache2.warnings());
            Tuning.Outcome second = phase(two, cache2, live, o, listener);
            phases.add(second);
            if (second.bestEvaluation().isPresent() && second.bestEvaluation().get().seconds() < bestSeconds) best = two.point(second.best().get());
        }
        if (!live.hasPassed(best)) live.measure(best, GemmSpace.key(best)); // answered from the cache: verify and load it now
        double bestMs, heuristicMs;
        if (best.equals(heuristic)) bestMs = heuristicMs = h.seconds() * 1e3;
        else {
            double[] c = live.confirm(best, heuristic, 3);
            bestMs = c[0];
            heuristicMs = c[1];
        }
        // the bucket records its winner even where that is the heuristic: a bucket left empty would borrow a neighbour's
        // entry (nearest bucket), which was measured slower here or never measured here at all
        BucketResult r = new BucketResult(tokens, full.enumerated(), space.points().size(), phases, heuristic, best, bestMs, heuristicMs, true, cacheFile, warnings);
        DbFile f = new DbFile(DbFile.FORMAT, SourceEmitter.GENERATOR_VERSION, TemplateHash.of(Family.GROUP_GEMM), dev, Family.GROUP_GEMM.id(), ShapeKey.of(spec), new TreeMap<>())
                .with(tokens, new TunedEntry(GemmSpace.values(r.winner()), Math.min(bestMs, heuristicMs), heuristicMs, r.evaluations(), (int) r.failures(),
                        o.strategy().id(), o.routing().id(), java.time.LocalDate.now().toString())).keyed();
        warnings.addAll(TuneDb.record(o.db(), f));
        return r;
    }

    /** One phase: the strategy over {@code space} under the budget, every evaluation through {@code cache}. */
    private static Tuning.Outcome phase(GemmSpace space, EvalCache cache, CandidateObjective live, Options o, Search.Listener listener) {
        return Tuning.run(space.space(), new CachedObjective(space.space(), cache, live.over(space), o.resume()), o.strategy(), o.budget(), o.seed(), listener);
    }
}

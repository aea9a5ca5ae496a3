package dev.moegen.cli;

import dev.moegen.autotune.search.Budget;
import dev.moegen.autotune.search.Evaluation;
import dev.moegen.autotune.strategy.Strategies;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.dsl.io.TextTable;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.ShapeKey;
import dev.moegen.tune.routing.Routing;
import dev.moegen.tune.run.MoeTuner;
import dev.moegen.tune.run.TuneChart;
import dev.moegen.tune.space.GemmSpace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tune", mixinStandardHelpOptions = true, subcommands = {TuneShowCommand.class, TuneMergeCommand.class, TuneReplayCommand.class},
        description = {"Search the GroupGEMM parameters of a layer on this device, bucket by bucket; every candidate is verified against the reference "
                + "before it is timed. The best of each bucket goes into the tuned database (when it beats the heuristic, timed alternately with it), "
                + "which generate, verify and bench read.", "Every evaluation lands in DB/cache/...jsonl: --resume continues, `tune replay` studies it."})
final class TuneCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin OptionalLayerSource layer;
    @Option(names = "--tokens", split = ",", defaultValue = "1,16,128,512", description = "token buckets, each tuned on its own (default: ${DEFAULT-VALUE})") List<Integer> tokens;
    @Mixin BackendOption backend;
    @Option(names = "--strategy", defaultValue = "bayes", description = "bayes (Gaussian-process Bayesian optimisation), random or exhaustive (default: ${DEFAULT-VALUE})") String strategy;
    @Option(names = "--budget", description = "evaluations per bucket (default: 60 unless --time is given; 0 with exhaustive: the whole space)") Integer budget;
    @Option(names = "--time", description = "wall time per bucket, e.g. 90s, 5m") String time;
    @Option(names = "--db", paramLabel = "DIR", description = "database folder written (default: $MOEGEN_DB or ~/.moegen/tuned)") Path db;
    @Option(names = "--shard", paramLabel = "i/n", description = "tune every n-th point from i only (split a sweep across machines; join with `tune merge`)") String shard;
    @Option(names = "--resume", description = "reuse the evaluations already in this problem's cache instead of measuring them again") boolean resume;
    @Option(names = "--routing", defaultValue = "uniform", description = "uniform, zipf, zipf:S (skew exponent) or a .npy file of top-k ids [tokens, k] (default: ${DEFAULT-VALUE})") String routing;
    @Option(names = "--loops", split = ",", description = "main loops searched (default: every loop this device runs)") List<String> loops;
    @Option(names = "--reps", defaultValue = "7", description = "timed runs per evaluation; the median counts (default: ${DEFAULT-VALUE})") int reps;
    @Option(names = "--flush-mib", defaultValue = "64", description = "buffer touched before each timed run to flush caches, MiB (default: ${DEFAULT-VALUE})") int flushMib;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the strategy and of the inputs (default: ${DEFAULT-VALUE})") long seed;

    @Override
    public Integer call() throws Exception {
        MoeLayerSpec s = layer.resolve();
        for (int t : tokens) if (t < 1) throw new IllegalArgumentException("--tokens: " + t + " must be >= 1");
        if (reps < 1) throw new IllegalArgumentException("--reps = " + reps + ": must be >= 1");
        var strat = Strategies.byId(strategy);
        Budget b = budget(strat.id());
        int[] sh = shard();
        Routing r = Routing.parse(routing, s);
        List<KernelParams.Gemm> lp = loops == null ? List.of() : loops.stream().map(KernelParams.Gemm::parse).toList();
        Path dir = db != null ? db : dev.moegen.tune.db.TuneDb.userDefault();
        var o = cmd.commandLine().getOut();
        List<MoeTuner.BucketResult> results = new ArrayList<>();
        try (DeviceSession dev = backend.open()) {
            o.printf("layer %s  dtype %s  E=%d top-%d H=%d I=%d%ndevice %s: %s (driver %s, arch %s)%nstrategy %s, budget %s per bucket, routing %s, %d reps per evaluation%ndatabase %s%n",
                    s.name(), s.dtype().id(), s.experts(), s.topK(), s.hidden(), s.intermediate(), dev.backend(), dev.describe(), dev.device().driver(), dev.device().arch(),
                    strat.id(), b.describe(), r.id(), reps, dir.toAbsolutePath());
            o.flush();
            var opts = new MoeTuner.Options(r, strat, b, reps, flushMib * (1L << 20), seed, dir, sh[0], sh[1], resume, lp);
            for (int t : tokens) {
                GemmSpace space = GemmSpace.of(s, dev.target(), t, lp);
                o.printf("T=%d: %d points (%d enumerated, %d pruned as infeasible)%s%n", t, space.points().size(), space.enumerated(),
                        space.enumerated() - space.points().size(), sh[1] > 1 ? "; shard " + sh[0] + "/" + sh[1] + ": " + space.shard(sh[0], sh[1]).points().size() : "");
                o.flush();
                int total = 2 * (b.evaluations() > 0 ? Math.min(b.evaluations(), space.points().size()) : space.points().size()); // two phases at most
                MoeTuner.BucketResult res;
                try (Progress bar = Progress.start("tune T=" + t, total)) {
                    res = MoeTuner.tuneBucket(dev, s, space, t, opts, (n, i, e, best) -> bar.step());
                }
                for (String w : res.warnings()) o.println("  warning: " + w);
                o.printf("  %d evaluations (%d failed; %s) in %.0f s; best %s%n", res.evaluations(), res.failures(),
                        res.phases().size() > 1 ? "GroupGEMM 1 and shared parameters " + res.phases().get(0).evaluations() + ", GroupGEMM 2's tile " + res.phases().get(1).evaluations()
                                : "one phase", res.elapsed().toMillis() / 1e3, res.best() == null ? "none" : GemmSpace.key(res.best()));
                for (Evaluation e : res.failed()) o.printf("  failed: %s: %s %s%n", e.key(), e.status(), e.detail());
                o.flush();
                results.add(res);
            }
            Path chart = dir.resolve("reports").resolve(DeviceKey.of(dev.device()).slug()).resolve(ShapeKey.of(s).slug() + "-" + r.slug()
                    + "-" + strat.id() + ".png");
            TuneChart.write(chart, s.name() + " on " + dev.device().name() + " (" + strat.id() + ")", results);
            o.println(summary(results));
            o.println("chart: " + chart.toAbsolutePath());
        }
        return 0;
    }

    static String summary(List<MoeTuner.BucketResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (var r : results)
            rows.add(List.of("" + r.tokens(), "" + r.points(), "" + r.evaluations(), "" + r.failures(), String.format("%.3f", r.heuristicMs()),
                    Double.isNaN(r.bestMs()) ? "-" : String.format("%.3f", r.bestMs()), Double.isNaN(r.bestMs()) ? "-" : String.format("%.2f×", r.speedup()),
                    !r.recorded() ? "no" : r.winner() == r.heuristic() ? "heuristic (none faster)" : "best", r.best() == null ? "-" : GemmSpace.key(r.best())));
        return TextTable.render(List.of("T", "points", "evaluations", "failed", "heuristic ms", "best ms", "speed-up", "recorded", "best parameters"), rows)
                + "\n(heuristic and best timed again alternately, 3 rounds, median; whole-layer device time)";
    }

    private Budget budget(String strategyId) {
        if (budget != null && budget < 0) throw new IllegalArgumentException("--budget = " + budget + ": must be >= 0");
        Duration d = time == null ? null : parseTime(time);
        int n = budget != null ? budget : d != null || strategyId.equals("exhaustive") ? 0 : 60;
        return new Budget(n, d);
    }

    static Duration parseTime(String t) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*(s|m|h)").matcher(t.trim());
        if (!m.matches()) throw new IllegalArgumentException("--time '" + t + "': expected a number with s, m or h, e.g. 90s, 5m");
        long v = Long.parseLong(m.group(1));
        if (v < 1) throw new IllegalArgumentException("--time '" + t + "': must be > 0");
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            default -> Duration.ofHours(v);
        };
    }

    private int[] shard() {
        if (shard == null) return new int[] {0, 1};
        var m = java.util.regex.Pattern.compile("(\\d+)/(\\d+)").matcher(shard.trim());
        if (!m.matches()) throw new IllegalArgumentException("--shard '" + shard + "': expected i/n, e.g. 0/4");
        int i = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
        if (n < 1 || i >= n) throw new IllegalArgumentException("--shard " + shard + ": expected 0 <= i < n");
        return new int[] {i, n};
    }
}

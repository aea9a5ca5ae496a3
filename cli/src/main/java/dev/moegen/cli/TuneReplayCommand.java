package dev.moegen.cli;

import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.replay.ReplayStudy;
import dev.moegen.autotune.search.Strategy;
import dev.moegen.autotune.space.SearchSpace;
import dev.moegen.autotune.strategy.Strategies;
import dev.moegen.dsl.io.TextTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run strategies against an exhaustive tune cache, without a device: per strategy, the evaluations needed to come within --within of "
                + "the cache's best time, median and 10th-90th percentile over --seeds seeds.")
final class TuneReplayCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Option(names = "--cache", required = true, description = "a tune cache (.jsonl under DB/cache/) written by moegen tune --strategy exhaustive") Path cache;
    @Option(names = "--strategies", split = ",", description = "strategies to replay (default: all)") List<String> strategies;
    @Option(names = "--seeds", defaultValue = "20", description = "seeds per strategy (default: ${DEFAULT-VALUE})") int seeds;
    @Option(names = "--within", defaultValue = "3", description = "percent above the best that counts as found (default: ${DEFAULT-VALUE})") double within;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(cache)) throw new IllegalArgumentException("--cache " + cache + ": no such file");
        EvalCache c = EvalCache.read(cache);
        var o = cmd.commandLine().getOut();
        for (String w : c.warnings()) o.println("warning: " + w);
        SearchSpace space = SearchSpace.fromKeys(new ArrayList<>(c.entries().keySet()));
        List<Strategy> list = strategies == null ? Strategies.all() : strategies.stream().map(Strategies::byId).toList();
        long ok = c.entries().values().stream().filter(e -> e.ok()).count();
        o.printf("cache %s%nproblem %s%n%d points (%d passed, %d failed), best %.4f ms%n", cache, c.context(), space.size(), ok, space.size() - ok,
                ReplayStudy.bestSeconds(space, c) * 1e3);
        var figures = ReplayStudy.run(space, c, list, seeds, within / 100);
        List<List<String>> rows = new ArrayList<>();
        for (var f : figures)
            rows.add(List.of(f.strategy(), String.format("%.1f", f.median()), f.p10() + "–" + f.p90(), String.format("%.1f%%", 100 * f.fractionOfSpace())));
        o.println(TextTable.render(List.of("strategy", "median evaluations", "p10–p90", "of the space"), rows));
        o.printf("(evaluations until the best so far is within %.1f%% of the exhaustive best; %d seeds each)%n", within, seeds);
        return 0;
    }
}

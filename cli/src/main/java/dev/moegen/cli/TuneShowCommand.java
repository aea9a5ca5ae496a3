package dev.moegen.cli;

import dev.moegen.dsl.io.TextTable;
import dev.moegen.tune.db.DbFile;
import dev.moegen.tune.db.TuneDb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "List the tuned database: per device, shape and bucket the parameters, their time, the heuristic's and the speed-up; files it cannot trust are named.")
final class TuneShowCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Option(names = "--db", paramLabel = "DIR", description = "database folder, the only one read (default: $MOEGEN_DB or ~/.moegen/tuned, then the shipped database)") Path db;

    @Override
    public Integer call() {
        TuneDb d = TuneDb.named(db);
        var o = cmd.commandLine().getOut();
        for (String w : d.warnings()) o.println("warning: " + w);
        List<List<String>> rows = new ArrayList<>();
        for (DbFile f : d.files())
            f.buckets().forEach((t, e) -> rows.add(List.of(f.device().name(), f.device().arch(), f.shape().slug(), "" + t, String.format("%.3f", e.ms()),
                    String.format("%.3f", e.heuristicMs()), String.format("%.2f×", e.heuristicMs() / e.ms()), e.strategy() + "/" + e.evaluations(), e.date(),
                    String.join(",", e.params().entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList()))));
        if (rows.isEmpty()) o.println("no tuned entries (moegen tune writes them)");
        else o.println(TextTable.render(List.of("device", "arch", "shape", "T", "ms", "heuristic ms", "speed-up", "strategy/evals", "date", "parameters"), rows));
        return 0;
    }
}

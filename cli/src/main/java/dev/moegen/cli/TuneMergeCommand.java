package dev.moegen.cli;

import dev.moegen.tune.db.DbFile;
import dev.moegen.tune.db.TuneDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Join tuned databases (e.g. the shards of one sweep, from several machines) into --db: per device, shape and bucket the faster entry "
                + "wins; stale and corrupt files are named and skipped. The evaluation caches are joined too, a sweep's shards into one cache (replayable). "
                + "--bundle FILE.json also writes the result as one file (the shipped form).")
final class TuneMergeCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Option(names = "--db", required = true, paramLabel = "DIR", description = "database folder merged into (created if missing)") Path db;
    @Option(names = "--bundle", description = "also write the merged database as one JSON array (what moegen ships)") Path bundle;
    @Parameters(arity = "1..*", paramLabel = "SRC", description = "database folders to merge in") List<Path> sources;

    @Override
    public Integer call() throws Exception {
        for (Path p : sources) if (!Files.isDirectory(p)) throw new IllegalArgumentException("merge source " + p + ": no such folder");
        var o = cmd.commandLine().getOut();
        TuneDb in = TuneDb.open(sources, false);
        for (String w : in.warnings()) o.println("warning: " + w);
        int n = 0;
        for (DbFile f : in.files()) {
            for (String w : TuneDb.record(db, f)) o.println("warning: " + w);
            n += f.buckets().size();
        }
        o.printf("merged %d entries from %d files into %s%n", n, in.files().size(), db.toAbsolutePath());
        var caches = dev.moegen.tune.db.CacheMerge.merge(sources, db);
        for (String w : caches.warnings()) o.println("warning: " + w);
        o.printf("merged %d evaluations from %d caches (shards of one sweep into one cache)%n", caches.added(), caches.files());
        if (bundle != null) {
            TuneDb out = TuneDb.open(List.of(db), false);
            out.writeBundle(bundle);
            o.printf("wrote %s (%d files)%n", bundle.toAbsolutePath(), out.files().size());
        }
        return 0;
    }
}

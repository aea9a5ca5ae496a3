package dev.moegen.tune.db;

import dev.moegen.autotune.cache.EvalCache;
import dev.moegen.autotune.search.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Joins evaluation caches: every {@code cache/} file of the source databases goes into the same relative path under
 * the target's, the shards of one sweep ({@code ...-shardIofN.jsonl}) into the one unsharded cache, so a sweep split
 * across machines can be replayed whole. A target cache of another problem is refused, never overwritten.
 */
public final class CacheMerge {
    private CacheMerge() {}

    /** What was merged: evaluations added, files read, and the problems found (skipped files). */
    public record Result(int added, int files, List<String> warnings) {}

    public static Result merge(List<Path> sources, Path into) throws IOException {
        int added = 0, files = 0;
        List<String> warnings = new ArrayList<>();
        for (Path src : sources) {
            Path cacheDir = src.resolve("cache");
            if (!Files.isDirectory(cacheDir)) continue;
            List<Path> all;
            try (Stream<Path> s = Files.walk(cacheDir)) {
                all = s.filter(p -> p.toString().endsWith(".jsonl") && Files.isRegularFile(p)).sorted().toList();
            }
            for (Path f : all) {
                try {
                    EvalCache in = EvalCache.read(f);
                    warnings.addAll(in.warnings());
                    String name = f.getFileName().toString().replaceAll("-shard\\d+of\\d+\\.jsonl$", ".jsonl");
                    Path target = into.resolve("cache").resolve(cacheDir.relativize(f.getParent())).resolve(name);
                    if (target.toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize())) continue;
                    EvalCache out = EvalCache.open(target, in.context());
                    for (Evaluation e : in.entries().values())
                        if (!out.entries().containsKey(e.key())) {
                            out.record(e);
                            added++;
                        }
                    files++;
                } catch (IllegalArgumentException e) {
                    warnings.add("skipped " + f + ": " + e.getMessage());
                }
            }
        }
        return new Result(added, files, warnings);
    }
}

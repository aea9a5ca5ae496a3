package dev.moegen.tune.db;

import java.nio.file.Path;

/** A second process for {@link TuneDbTest}: records entries for the buckets on its command line into a database folder. */
public final class RecordMain {
    private RecordMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            int bucket = Integer.parseInt(args[i]);
            for (int rep = 0; rep < 5; rep++) TuneDb.record(dir, TuneDbTest.file(TuneDbTest.DEV, TuneDbTest.QWEN, bucket, TuneDbTest.tiled(8, 16), 0.1 * bucket + 0.01 * rep));
        }
    }
}

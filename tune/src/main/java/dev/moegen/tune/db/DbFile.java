package dev.moegen.tune.db;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One file of the tuned database: a device, a kernel family and a layer shape, tuned with the templates of
 * {@code templateHash}; its entries by token bucket.
 */
public record DbFile(String format, String generator, String templateHash, DeviceKey device, String family, ShapeKey shape,
                     SortedMap<Integer, TunedEntry> buckets) {
    public static final String FORMAT = "moegen-tuned/1";

    public DbFile {
        buckets = new TreeMap<>(buckets == null ? new TreeMap<>() : buckets);
    }

    public String relativePath() {
        return device.slug() + "/" + family + "-" + shape.slug() + ".json";
    }

    /** This file with {@code e} at {@code bucket}, unless the entry there already measured faster. */
    public DbFile with(int bucket, TunedEntry e) {
        TreeMap<Integer, TunedEntry> b = new TreeMap<>(buckets);
        TunedEntry old = b.get(bucket);
        if (old == null || e.ms() < old.ms()) b.put(bucket, e);
        return new DbFile(format, generator, templateHash, device, family, shape, b);
    }
}

package dev.moegen.tune.db;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One file of the tuned database: a device, a kernel family and a layer shape, tuned with the templates of
 * {@code templateHash} — the GroupGEMM templates of the main loops its entries use ({@link #expectedTemplateHash}), so
 * a change to another loop's templates leaves it current; its entries by token bucket.
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

    /** The main loops this file's entries use (every loop when an entry names none). */
    public java.util.Set<dev.moegen.codegen.params.KernelParams.Gemm> loops() {
        var loops = java.util.EnumSet.noneOf(dev.moegen.codegen.params.KernelParams.Gemm.class);
        for (TunedEntry e : buckets.values()) {
            Object g = e.params().get("gemm");
            if (g == null) return java.util.EnumSet.allOf(dev.moegen.codegen.params.KernelParams.Gemm.class);
            loops.add(dev.moegen.codegen.params.KernelParams.Gemm.parse(String.valueOf(g)));
        }
        return loops;
    }

    /** The template hash this file's entries are current under: the templates of their main loops. */
    public String expectedTemplateHash() {
        return dev.moegen.codegen.emit.TemplateHash.ofGemmLoops(loops());
    }

    /** This file keyed by its entries' templates as they are now (what the tuner records). */
    public DbFile keyed() {
        return new DbFile(format, generator, expectedTemplateHash(), device, family, shape, buckets);
    }

    /** This file with {@code e} at {@code bucket}, unless the entry there already measured faster. */
    public DbFile with(int bucket, TunedEntry e) {
        TreeMap<Integer, TunedEntry> b = new TreeMap<>(buckets);
        TunedEntry old = b.get(bucket);
        if (old == null || e.ms() < old.ms()) b.put(bucket, e);
        return new DbFile(format, generator, templateHash, device, family, shape, b);
    }
}

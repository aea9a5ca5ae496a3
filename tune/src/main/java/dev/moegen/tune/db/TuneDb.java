package dev.moegen.tune.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.moegen.autotune.cache.FileLocks;
import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.params.ParameterSpace;
import dev.moegen.codegen.params.TunedParams;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The tuned database: JSON files per device, kernel family and layer shape, each mapping token buckets to the best
 * parameters measured there ({@link DbFile}). Read from folders (the user's, or {@code --db}) and from the database
 * shipped inside moegen; a file that is corrupt, of another format or tuned with other templates (stale) is skipped
 * with a warning, never trusted. {@link #lookup} walks the chain exact → nearest bucket → nearest shape → same
 * architecture and returns only points feasible for the layer and target; {@link #record} merges an entry into a
 * folder atomically, under a lock, so two tuners can write one database at once.
 */
public final class TuneDb {
    /** The database shipped with moegen (this project's build CPU; GPUs when one was lent): an array of {@link DbFile}s. */
    public static final String SHIPPED = "/dev/moegen/tune/shipped-db.json";
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private record Loaded(DbFile file, String origin) {}

    private final List<Loaded> files = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final java.util.function.Function<DbFile, String> templateHash;

    private TuneDb(java.util.function.Function<DbFile, String> templateHash) {
        this.templateHash = templateHash;
    }

    /** The folder moegen uses when none is given: the system property moegen.db, else $MOEGEN_DB, else ~/.moegen/tuned. */
    public static Path userDefault() {
        String prop = System.getProperty("moegen.db");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("MOEGEN_DB");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".moegen", "tuned");
    }

    /** Reads every folder in {@code dirs} (missing ones are empty) in order, then the shipped database when asked. */
    public static TuneDb open(List<Path> dirs, boolean shipped) {
        return open(dirs, shipped, DbFile::expectedTemplateHash);
    }

    /**
     * The database a {@code --db} option names: that folder alone (it must exist), or with none the per-user folder and
     * then the shipped database.
     */
    public static TuneDb named(Path db) {
        if (db != null && !Files.isDirectory(db)) throw new IllegalArgumentException("--db " + db + ": no such folder (moegen tune --db DIR creates one)");
        return open(List.of(db != null ? db : userDefault()), db == null);
    }

    /** With a fixed expected template hash (tests: every file stale). */
    static TuneDb open(List<Path> dirs, boolean shipped, String templateHash) {
        return open(dirs, shipped, f -> templateHash);
    }

    static TuneDb open(List<Path> dirs, boolean shipped, java.util.function.Function<DbFile, String> templateHash) {
        TuneDb db = new TuneDb(templateHash);
        for (Path d : dirs) db.readFolder(d);
        if (shipped) db.readShipped();
        return db;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Every trusted file, in lookup order. */
    public List<DbFile> files() {
        return files.stream().map(Loaded::file).toList();
    }

    private void readFolder(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.walk(dir, 2)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList()) {
                try {
                    accept(JSON.readValue(f.toFile(), DbFile.class), f.toString());
                } catch (IOException | RuntimeException e) {
                    warnings.add("ignoring " + f + ": not a moegen tuned-database file (" + firstLine(e) + ")");
                }
            }
        } catch (IOException e) {
            warnings.add("ignoring the tuned database at " + dir + ": " + e.getMessage());
        }
    }

    private void readShipped() {
        try (InputStream in = TuneDb.class.getResourceAsStream(SHIPPED)) {
            if (in == null) return;
            for (DbFile f : JSON.readValue(in, DbFile[].class)) accept(f, "shipped:" + f.relativePath());
        } catch (IOException | RuntimeException e) {
            warnings.add("ignoring the shipped tuned database: " + firstLine(e));
        }
    }

    private void accept(DbFile f, String origin) {
        if (!DbFile.FORMAT.equals(f.format())) {
            warnings.add("ignoring " + origin + ": format '" + f.format() + "', this moegen reads " + DbFile.FORMAT);
            return;
        }
        if (f.device() == null || f.shape() == null || f.family() == null) {
            warnings.add("ignoring " + origin + ": no device, shape or family");
            return;
        }
        String expected = templateHash.apply(f);
        if (!expected.equals(f.templateHash())) {
            warnings.add("ignoring " + origin + ": stale, tuned with templates " + f.templateHash() + ", these are " + expected + " (run moegen tune again)");
            return;
        }
        files.add(new Loaded(f, origin));
    }

    /** A tuned entry and how it was found: level is "exact", "nearest bucket", "nearest shape" or "same architecture". */
    public record Hit(DbFile file, int bucket, TunedEntry entry, String level, String origin) {
        public String describe() {
            return level + ": T=" + bucket + " of " + file.shape().slug() + " on " + file.device().name() + " (" + origin + ")";
        }
    }

    /**
     * The entry that serves {@code spec} at {@code tokens} (0: the largest bucket) on {@code device}: exact, else the
     * nearest bucket of the same shape, else the nearest shape on the same device, else the same architecture; only
     * entries whose parameters are feasible for this layer and target.
     */
    public Optional<Hit> lookup(DeviceKey device, MoeLayerSpec spec, Target target, String family, int tokens) {
        ShapeKey shape = ShapeKey.of(spec);
        List<Loaded> sameDevice = files.stream().filter(l -> l.file.family().equals(family) && l.file.device().sameDevice(device)).toList();
        List<Loaded> sameArch = files.stream().filter(l -> l.file.family().equals(family) && !l.file.device().sameDevice(device) && l.file.device().sameArch(device)).toList();
        for (Loaded l : sameDevice)
            if (l.file.shape().equals(shape)) {
                Optional<Hit> h = nearestBucket(l, tokens, spec, target, "exact", "nearest bucket");
                if (h.isPresent()) return h;
            }
        Optional<Hit> h = nearestShape(sameDevice, shape, tokens, spec, target, "nearest shape");
        if (h.isPresent()) return h;
        return nearestShape(sameArch, shape, tokens, spec, target, "same architecture");
    }

    private Optional<Hit> nearestShape(List<Loaded> candidates, ShapeKey shape, int tokens, MoeLayerSpec spec, Target target, String level) {
        List<Loaded> byDistance = candidates.stream().filter(l -> l.file.shape().compatible(shape))
                .sorted(Comparator.comparingDouble(l -> l.file.shape().distance(shape))).toList();
        for (Loaded l : byDistance) {
            Optional<Hit> h = nearestBucket(l, tokens, spec, target, level, level);
            if (h.isPresent()) return h;
        }
        return Optional.empty();
    }

    private Optional<Hit> nearestBucket(Loaded l, int tokens, MoeLayerSpec spec, Target target, String exact, String near) {
        List<Integer> order = new ArrayList<>(l.file.buckets().keySet());
        if (tokens <= 0) order.sort(Comparator.reverseOrder()); // any T: the largest bucket tuned
        else order.sort(Comparator.comparingDouble(b -> Math.abs(Math.log((double) b / tokens))));
        for (int b : order) {
            TunedEntry e = l.file.buckets().get(b);
            if (feasible(e, spec, target)) return Optional.of(new Hit(l.file, b, e, b == tokens ? exact : near, l.origin));
        }
        return Optional.empty();
    }

    /** The entry's parameters over the heuristic's, checked against the layer's parameter space on {@code target}. */
    static boolean feasible(TunedEntry e, MoeLayerSpec spec, Target target) {
        try {
            Map<Param, Object> v = values(e);
            KernelParams.Gemm g = (KernelParams.Gemm) v.getOrDefault(Param.GEMM, Heuristic.gemm(spec, target));
            KernelParams.Builder b = Heuristic.defaults(spec, target, g).toBuilder();
            v.forEach(b::set);
            return ParameterSpace.of(spec, target).violations(b.build()).isEmpty();
        } catch (RuntimeException x) {
            return false;
        }
    }

    static Map<Param, Object> values(TunedEntry e) {
        Map<Param, Object> m = new EnumMap<>(Param.class);
        e.params().forEach((k, v) -> {
            Param p = Param.byKey(k);
            m.put(p, p.parse(String.valueOf(v)));
        });
        return m;
    }

    /** This database as the parameter resolver's source for one device: what `verify`, `bench` and `generate` pass it. */
    public TunedParams forDevice(DeviceKey device, String family) {
        return (spec, target, tokens) -> lookup(device, spec, target, family, tokens).map(h -> new TunedParams.Hit(values(h.entry()), h.describe()));
    }

    /**
     * Merges {@code update}'s buckets into the file for its device, family and shape under {@code dir}: under a lock, a
     * bucket is replaced only by a faster entry, and the file is replaced atomically. An existing file that is corrupt or of
     * another format is kept beside it as {@code .corrupt-<time>}; one tuned with other templates is replaced (moegen wrote
     * it, and it is stale). Returns the warnings.
     */
    public static List<String> record(Path dir, DbFile update) throws IOException {
        Path target = dir.resolve(update.relativePath());
        Files.createDirectories(target.getParent());
        Path lock = target.resolveSibling(target.getFileName() + ".lock");
        List<String> warn = new ArrayList<>();
        FileLocks.locked(lock, ch -> {
            DbFile merged = update;
            if (Files.exists(target)) {
                DbFile old = null;
                try {
                    old = JSON.readValue(target.toFile(), DbFile.class);
                } catch (IOException | RuntimeException e) {
                    // kept below
                }
                if (old == null || !DbFile.FORMAT.equals(old.format())) {
                    Path aside = target.resolveSibling(target.getFileName() + ".corrupt-" + System.currentTimeMillis());
                    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                    warn.add(target + " was not a tuned-database file of this moegen; kept as " + aside.getFileName());
                } else if (!old.templateHash().equals(old.expectedTemplateHash())) {
                    warn.add(target + " was tuned with templates " + old.templateHash() + "; its stale entries are replaced");
                } else {
                    merged = old;
                    for (var e : update.buckets().entrySet()) merged = merged.with(e.getKey(), e.getValue());
                }
            }
            DbFile out = merged.keyed();
            AtomicFiles.file(target, tmp -> JSON.writeValue(tmp.toFile(), out));
            return null;
        }, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return warn;
    }

    /** Writes every trusted file of this database as one array: the shipped form. */
    public void writeBundle(Path file) throws IOException {
        List<DbFile> all = files();
        AtomicFiles.file(file, tmp -> JSON.writeValue(tmp.toFile(), all));
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}

package dev.moegen.autotune.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moegen.autotune.search.Evaluation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every evaluation of one tuning problem, as JSON lines: a header naming the problem ({@code context}: device,
 * shape, token bucket, routing, template hash, ...), then one line per evaluation, appended and flushed as it
 * completes, so an interrupted tune loses nothing and {@code --resume} or a replay reads it back. A line cut short by
 * a crash is skipped with a warning; a file whose header names another problem is refused, never appended to.
 */
public final class EvalCache {
    public static final String FORMAT = "moegen-tune-cache/1";
    /** NaN (a failure's time) is written as the string "NaN", so every line is standard JSON. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private final Path file;
    private final Map<String, Object> context;
    private final Map<String, Evaluation> entries;
    private final List<String> warnings;

    private EvalCache(Path file, Map<String, Object> context, Map<String, Evaluation> entries, List<String> warnings) {
        this.file = file;
        this.context = context;
        this.entries = entries;
        this.warnings = warnings;
    }

    /** Opens (or creates) the cache of the problem {@code context}; an existing file must be of the same problem. */
    public static EvalCache open(Path file, Map<String, Object> context) throws IOException {
        Map<String, Object> ctx = new TreeMap<>(context);
        if (Files.exists(file)) {
            EvalCache c = read(file);
            if (!canonical(c.context).equals(canonical(ctx)))
                throw new IllegalArgumentException("tune cache " + file + " belongs to another problem: it has " + differences(c.context, ctx)
                        + "; give another --db or remove the file");
            return c;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ObjectNode head = JSON.createObjectNode().put("format", FORMAT);
        head.set("context", JSON.valueToTree(ctx));
        append(file, JSON.writeValueAsString(head), true);
        return new EvalCache(file, ctx, new LinkedHashMap<>(), new ArrayList<>());
    }

    /** Reads a cache: its problem and every complete evaluation (a later line for the same key wins). */
    public static EvalCache read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new IllegalArgumentException("tune cache " + file + " is empty: not a moegen tune cache");
        JsonNode head;
        try {
            head = JSON.readTree(lines.get(0));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tune cache " + file + ": first line is not JSON: not a moegen tune cache");
        }
        if (head == null || !FORMAT.equals(head.path("format").asText()))
            throw new IllegalArgumentException("tune cache " + file + ": format '" + (head == null ? "" : head.path("format").asText()) + "', expected " + FORMAT);
        @SuppressWarnings("unchecked")
        Map<String, Object> ctx = new TreeMap<>(JSON.convertValue(head.path("context"), Map.class));
        Map<String, Evaluation> entries = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                Evaluation e = JSON.readValue(lines.get(i), Evaluation.class);
                if (e.key() == null || e.status() == null) throw new IllegalArgumentException("no key or status");
                entries.put(e.key(), e);
            } catch (JsonProcessingException | IllegalArgumentException x) {
                warnings.add("tune cache " + file + " line " + (i + 1) + " is incomplete or corrupt (" + x.getMessage().lines().findFirst().orElse("") + "); skipped");
            }
        }
        return new EvalCache(file, ctx, entries, warnings);
    }

    public Path file() {
        return file;
    }

    public Map<String, Object> context() {
        return context;
    }

    public Map<String, Evaluation> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Appends one evaluation and flushes it to disk before returning. */
    public synchronized void record(Evaluation e) throws IOException {
        append(file, JSON.writeValueAsString(e), false);
        entries.put(e.key(), e);
    }

    /** One whole line, under an exclusive lock, so two tuners appending to one cache never interleave within a line. */
    private static void append(Path file, String line, boolean create) throws IOException {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        StandardOpenOption[] opts = create ? new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND};
        FileLocks.locked(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(false);
            return null;
        }, opts);
    }

    /** The context as parsed JSON, so 3 and 3L (a value written, then read back) compare equal. */
    private static JsonNode canonical(Map<String, Object> ctx) throws IOException {
        return JSON.readTree(JSON.writeValueAsString(ctx));
    }

    private static String differences(Map<String, Object> have, Map<String, Object> want) {
        List<String> d = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(have.keySet());
        keys.addAll(want.keySet());
        for (String k : keys)
            if (!String.valueOf(have.get(k)).equals(String.valueOf(want.get(k)))) d.add(k + " = " + have.get(k) + " (this run: " + want.get(k) + ")");
        return String.join(", ", d);
    }
}

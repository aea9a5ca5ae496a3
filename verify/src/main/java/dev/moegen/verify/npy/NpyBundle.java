package dev.moegen.verify.npy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.dsl.types.DType;
import java.io.IOException;
import java.nio.file.*;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A folder of named .npy arrays plus {@code meta.json} (each array's moegen dtype and shape, and
 * free-form metadata such as the spec, seed and tokens). Written to a temporary sibling folder and
 * renamed into place, so a failed dump leaves nothing half-written.
 */
public final class NpyBundle {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, NpyArray> arrays = new LinkedHashMap<>();
    private final ObjectNode meta = JSON.createObjectNode();

    public NpyBundle put(String name, NpyArray a) {
        if (!name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("array name '" + name + "': use [a-z0-9_]");
        arrays.put(name, a);
        return this;
    }

    public ObjectNode meta() {
        return meta;
    }

    public Map<String, NpyArray> arrays() {
        return arrays;
    }

    public NpyArray get(String name) {
        NpyArray a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("bundle has no array '" + name + "'; it has " + arrays.keySet());
        return a;
    }

    /** Writes the arrays and meta.json into {@code tmp} (a folder being built; {@link OutputFolder} puts it in place). */
    public void writeInto(Path tmp) throws IOException {
        Files.createDirectories(tmp);
        {
            ObjectNode tensors = meta.putObject("tensors");
            for (var e : arrays.entrySet()) {
                Npy.write(tmp.resolve(e.getKey() + ".npy"), e.getValue());
                ObjectNode t = tensors.putObject(e.getKey());
                t.put("dtype", e.getValue().dtype().id());
                t.put("file", e.getKey() + ".npy");
                var shape = t.putArray("shape");
                for (long d : e.getValue().shape()) shape.add(d);
            }
            JSON.writeValue(tmp.resolve("meta.json").toFile(), meta);
        }
    }

    /** Writes {@code dir} whole under {@link OutputFolder}'s rules (never over what moegen did not write). */
    public void write(Path dir, boolean force, String option) throws IOException {
        OutputFolder.write(dir, force, option, "dump", this::writeInto);
    }

    public static NpyBundle read(Path dir) throws IOException {
        Path metaFile = dir.resolve("meta.json");
        if (!Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no such folder");
        if (!Files.isRegularFile(metaFile)) throw new IllegalArgumentException(dir + ": has no meta.json (not a moegen dump folder)");
        JsonNode m;
        try {
            m = JSON.readTree(metaFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(metaFile + ": not valid JSON: " + e.getOriginalMessage());
        }
        NpyBundle b = new NpyBundle();
        m.properties().forEach(e -> {
            if (!e.getKey().equals("tensors")) b.meta.set(e.getKey(), e.getValue());
        });
        JsonNode tensors = m.path("tensors");
        for (var it = tensors.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            DType d;
            try {
                d = DType.parse(e.getValue().path("dtype").asText());
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(metaFile + ": tensor '" + e.getKey() + "': " + x.getMessage());
            }
            String name = e.getValue().path("file").asText(e.getKey() + ".npy");
            Path file = dir.resolve(name).normalize();
            // meta.json names files inside its own folder only: no absolute paths, no ../ out of it
            if (Path.of(name).isAbsolute() || !file.startsWith(dir.normalize()) || !file.getParent().equals(dir.normalize()))
                throw new IllegalArgumentException(metaFile + ": tensor '" + e.getKey() + "' names file '" + name + "' outside " + dir);
            NpyArray a = Npy.read(file, d);
            if (a.dtype() != d && !(d == DType.INT32 && a.ints() != null))
                throw new IllegalArgumentException(file + ": holds " + a.dtype().id() + " but meta.json says " + d.id());
            b.arrays.put(e.getKey(), a);
        }
        return b;
    }

}

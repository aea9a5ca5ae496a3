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
        if (!Files.isRegularFile(metaFile)) throw new IOException(dir + " has no meta.json");
        JsonNode m = JSON.readTree(metaFile.toFile());
        NpyBundle b = new NpyBundle();
        m.properties().forEach(e -> {
            if (!e.getKey().equals("tensors")) b.meta.set(e.getKey(), e.getValue());
        });
        JsonNode tensors = m.path("tensors");
        for (var it = tensors.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            DType d = DType.parse(e.getValue().path("dtype").asText());
            NpyArray a = Npy.read(dir.resolve(e.getValue().path("file").asText(e.getKey() + ".npy")), d);
            if (a.dtype() != d && !(d == DType.INT32 && a.ints() != null))
                throw new IOException(e.getKey() + ".npy holds " + a.dtype().id() + " but meta.json says " + d.id());
            b.arrays.put(e.getKey(), a);
        }
        return b;
    }

}

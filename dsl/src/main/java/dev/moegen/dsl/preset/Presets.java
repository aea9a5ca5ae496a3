package dev.moegen.dsl.preset;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecException;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.spec.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Layers of real models, loaded from {@code presets.yaml} (data, not code). */
public final class Presets {
    private static final Map<String, MoeLayerSpec> ALL = load();

    private Presets() {}

    public static List<MoeLayerSpec> all() {
        return List.copyOf(ALL.values());
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    public static MoeLayerSpec get(String name) {
        MoeLayerSpec s = ALL.get(name.toLowerCase());
        if (s == null) throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + String.join(", ", ALL.keySet()));
        return s;
    }

    private static Map<String, MoeLayerSpec> load() {
        try (InputStream in = Presets.class.getResourceAsStream("presets.yaml")) {
            if (in == null) throw new IllegalStateException("presets.yaml missing from the classpath");
            List<MoeLayerSpec> list = SpecFiles.mapper(SpecFormat.YAML).readValue(in, new TypeReference<>() {});
            Map<String, MoeLayerSpec> m = new LinkedHashMap<>();
            for (MoeLayerSpec s : list) {
                List<String> p = SpecValidator.problems(s);
                if (!p.isEmpty()) throw new SpecException("preset " + s.name(), p);
                m.put(s.name(), s);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read presets.yaml", e);
        }
    }
}

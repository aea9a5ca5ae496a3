package dev.moegen.dsl.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and writes layer specs as JSON or YAML, with the snake_case field names of Hugging Face
 * configs. Reading validates; unknown fields are errors (a typo must not silently mean "default").
 */
public final class SpecFiles {
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .build());

    private SpecFiles() {}

    private static ObjectMapper configure(ObjectMapper m) {
        return m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static ObjectMapper mapper(SpecFormat f) {
        return f == SpecFormat.JSON ? JSON : YAML;
    }

    public static MoeLayerSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SpecException(file.toString(), List.of("no such file"));
        } catch (IOException e) {
            throw new SpecException(file.toString(), List.of(java.nio.file.Files.isDirectory(file) ? "is a folder, not a spec file" : "cannot be read: " + e.getMessage()));
        }
        return parse(text, SpecFormat.of(file), file.toString());
    }

    public static MoeLayerSpec parse(String text, SpecFormat format, String source) {
        MoeLayerSpec spec;
        try {
            // a tree first, so duplicate keys and every type problem are listed together before binding
            List<String> typeProblems = new java.util.ArrayList<>(duplicateKeys(text, format));
            com.fasterxml.jackson.databind.JsonNode tree = mapper(format).readTree(text);
            typeProblems.addAll(SpecSchema.problems(tree, MoeLayerSpec.class));
            if (!typeProblems.isEmpty()) throw new SpecException(source, typeProblems);
            spec = mapper(format).treeToValue(tree, MoeLayerSpec.class);
        } catch (JsonMappingException e) {
            throw new SpecException(source, List.of(describe(e)));
        } catch (JsonProcessingException e) {
            throw new SpecException(source, List.of("not valid " + format.name() + ": " + e.getOriginalMessage()));
        }
        if (spec == null) throw new SpecException(source, List.of("file is empty"));
        List<String> problems = SpecValidator.problems(spec);
        if (!problems.isEmpty()) throw new SpecException(source, problems);
        return spec;
    }

    public static String format(MoeLayerSpec spec, SpecFormat format) {
        try {
            return mapper(format).writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise spec " + spec.name(), e);
        }
    }

    /** Writes atomically: a temporary file beside the target, then a rename. */
    public static void write(MoeLayerSpec spec, Path file) {
        String text = format(spec, SpecFormat.of(file));
        try {
            dev.moegen.dsl.io.AtomicFiles.file(file, tmp -> Files.writeString(tmp, text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spec file " + file, e);
        }
    }

    /** Every key written twice in one mapping (a parser keeps the last silently), with its path. */
    static List<String> duplicateKeys(String text, SpecFormat format) throws JsonProcessingException {
        List<String> out = new java.util.ArrayList<>();
        java.util.Deque<java.util.Set<String>> seen = new java.util.ArrayDeque<>();
        java.util.Deque<String> path = new java.util.ArrayDeque<>();
        String pending = null;
        try (com.fasterxml.jackson.core.JsonParser p = mapper(format).createParser(text)) {
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> {
                        seen.push(new java.util.HashSet<>());
                        path.push(pending == null ? "" : pending);
                        pending = null;
                    }
                    case END_OBJECT -> {
                        seen.pop();
                        path.pop();
                    }
                    case FIELD_NAME -> {
                        String prefix = path.isEmpty() || path.peek().isEmpty() ? "" : path.peek() + ".";
                        pending = prefix + p.currentName();
                        if (!seen.peek().add(p.currentName())) out.add(pending + ": written twice; write each field once");
                    }
                    default -> pending = t == com.fasterxml.jackson.core.JsonToken.START_ARRAY ? pending : null;
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a spec from memory", e);
        }
        return out;
    }

    private static String describe(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        Throwable cause = e.getCause();
        String why = cause instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException && why != null && why.startsWith("Cannot map `null`")) {
            why = "is missing (required)";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            why = "unknown field; allowed: " + u.getKnownPropertyIds();
        }
        return (path.isEmpty() ? "" : path + ": ") + why;
    }
}

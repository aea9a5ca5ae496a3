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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec file " + file, e);
        }
        return parse(text, SpecFormat.of(file), file.toString());
    }

    public static MoeLayerSpec parse(String text, SpecFormat format, String source) {
        MoeLayerSpec spec;
        try {
            spec = mapper(format).readValue(text, MoeLayerSpec.class);
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

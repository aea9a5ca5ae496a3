package dev.moegen.dsl.spec;

import java.nio.file.Path;

public enum SpecFormat {
    JSON, YAML;

    public static SpecFormat of(Path file) {
        String n = file.getFileName().toString().toLowerCase();
        if (n.endsWith(".json")) return JSON;
        if (n.endsWith(".yaml") || n.endsWith(".yml")) return YAML;
        throw new IllegalArgumentException("spec file " + file + ": extension must be .json, .yaml or .yml");
    }

    public static SpecFormat parse(String s) {
        return switch (s.toLowerCase()) {
            case "json" -> JSON;
            case "yaml", "yml" -> YAML;
            default -> throw new IllegalArgumentException("format = '" + s + "': allowed: json, yaml");
        };
    }
}

package dev.moegen.dsl.spec;

import java.util.List;

/** A spec that cannot be used; {@link #problems()} names each field, its value and what is allowed. */
public class SpecException extends RuntimeException {
    private final List<String> problems;

    public SpecException(String source, List<String> problems) {
        super("invalid MoE spec" + (source == null ? "" : " " + source) + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

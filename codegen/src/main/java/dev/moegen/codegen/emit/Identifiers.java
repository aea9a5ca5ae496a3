package dev.moegen.codegen.emit;

/** Turns spec-provided names into safe identifiers and file names: nothing from a spec reaches source text unchecked. */
public final class Identifiers {
    private Identifiers() {}

    /** lower_snake identifier: [a-z0-9_], starting with a letter. */
    public static String snake(String name) {
        String s = name.toLowerCase().replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "m_" + s;
        return s;
    }

    /** UpperCamel Java type name; an underscore stays where a digit would meet a digit (qwen3-30b → Qwen3_30b, not Qwen330b). */
    public static String camel(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : snake(name).split("_")) {
            if (part.isEmpty()) continue;
            if (!b.isEmpty() && Character.isDigit(b.charAt(b.length() - 1)) && Character.isDigit(part.charAt(0))) b.append('_');
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }
}

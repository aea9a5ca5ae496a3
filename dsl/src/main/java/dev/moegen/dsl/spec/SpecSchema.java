package dev.moegen.dsl.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A strict type check of a parsed spec tree before it is bound to the records, listing every problem at once in
 * the spec's own words: integers must be written as integers (no {@code top_k: 2.9} silently becoming 2, no
 * {@code "128"}), booleans as booleans, numbers as numbers, names as strings, sections as mappings, no unknown
 * fields, no missing integers or flags. The schema is the records' components (snake_case), so it cannot drift from them.
 */
final class SpecSchema {
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    private SpecSchema() {}

    static List<String> problems(JsonNode root, Class<? extends Record> type) {
        List<String> p = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) p.add("file is empty");
        else check(p, "", root, type);
        return p;
    }

    private static void check(List<String> p, String path, JsonNode node, Class<?> type) {
        if (node.isNull()) return; // null = absent; required fields are reported by binding and validation
        if (type.isRecord()) {
            if (!node.isObject()) {
                p.add(name(path) + " = " + node + ": must be a mapping of fields");
                return;
            }
            List<String> known = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) known.add(SNAKE.translate(c.getName()));
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                int i = known.indexOf(e.getKey());
                if (i < 0) p.add(field + ": unknown field; allowed: " + known);
                else check(p, field, e.getValue(), type.getRecordComponents()[i].getType());
            }
            for (RecordComponent c : type.getRecordComponents()) // a primitive has no "absent": it must be written
                if (c.getType().isPrimitive() && !node.has(SNAKE.translate(c.getName())))
                    p.add((path.isEmpty() ? "" : path + ".") + SNAKE.translate(c.getName()) + ": is missing (required)");
            return;
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            if (!node.isIntegralNumber()) p.add(path + " = " + node + ": must be an integer");
            else if ((type == int.class || type == Integer.class) && !node.canConvertToInt()) p.add(path + " = " + node + ": must fit in 32 bits");
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            if (!node.isNumber()) p.add(path + " = " + node + ": must be a number");
        } else if (type == boolean.class || type == Boolean.class) {
            if (!node.isBoolean()) p.add(path + " = " + node + ": must be true or false");
        } else if (!node.isTextual()) {
            p.add(path + " = " + node + ": must be a name (a string)");
        }
    }

    private static String name(String path) {
        return path.isEmpty() ? "the spec" : path;
    }
}

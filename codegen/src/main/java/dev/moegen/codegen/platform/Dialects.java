package dev.moegen.codegen.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The dialects on the class path, found through {@link ServiceLoader}; a new backend registers one in its own package. */
public final class Dialects {
    private static final Map<BackendId, Dialect> ALL = load();

    private Dialects() {}

    private static Map<BackendId, Dialect> load() {
        Map<BackendId, Dialect> m = new LinkedHashMap<>();
        for (Dialect d : ServiceLoader.load(Dialect.class, Dialects.class.getClassLoader())) m.putIfAbsent(d.id(), d);
        return Map.copyOf(m);
    }

    public static List<BackendId> ids() {
        return ALL.keySet().stream().sorted(java.util.Comparator.comparing(BackendId::id)).toList();
    }

    public static Dialect get(BackendId id) {
        Dialect d = ALL.get(id);
        if (d == null) throw new IllegalArgumentException("backend = '" + id + "': allowed: " + allowed());
        return d;
    }

    /** The dialect named by a user string, case-insensitive; the error lists the allowed names. */
    public static Dialect parse(String name) {
        for (BackendId id : ALL.keySet()) if (id.id().equalsIgnoreCase(name.trim())) return ALL.get(id);
        throw new IllegalArgumentException("backend = '" + name + "': allowed: " + allowed());
    }

    private static String allowed() {
        return String.join(", ", ids().stream().map(BackendId::id).toList());
    }
}

package dev.moegen.runtime.exec;

import dev.moegen.codegen.platform.BackendId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The runtime backends on the class path ({@link BackendProvider}s found through {@link ServiceLoader}). "auto" opens
 * the available one with the highest priority (CUDA when a CUDA device is present, else OpenCL: a GPU if the OpenCL
 * platforms have one, else e.g. PoCL on the CPU) and the session says which. A named backend that is unavailable is
 * an error with the reason, never a silent fallback.
 */
public final class Backends {
    private static final List<BackendProvider> PROVIDERS = ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).sorted(Comparator.comparingInt(BackendProvider::autoPriority).reversed()).toList();

    private Backends() {}

    /** Every provider, highest auto priority first. */
    public static List<BackendProvider> all() {
        return PROVIDERS;
    }

    public static BackendProvider provider(String name) {
        for (BackendProvider p : PROVIDERS) if (p.id().id().equalsIgnoreCase(name.trim())) return p;
        throw new IllegalArgumentException("backend = '" + name + "': allowed: auto, " + String.join(", ", PROVIDERS.stream().map(p -> p.id().id()).toList()));
    }

    public static BackendProvider provider(BackendId id) {
        return provider(id.id());
    }

    /** Opens "auto" or a named backend. */
    public static DeviceSession open(String name) {
        if (name.trim().equalsIgnoreCase("auto")) {
            for (BackendProvider p : PROVIDERS) if (p.unavailableReason().isEmpty()) return p.open();
            throw new IllegalStateException("no backend available: " + String.join("; ",
                    PROVIDERS.stream().map(p -> p.id() + ": " + p.unavailableReason().orElse("")).toList()));
        }
        BackendProvider p = provider(name);
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) throw new IllegalStateException(p.displayName() + " backend unavailable: " + why.get());
        return p.open();
    }
}

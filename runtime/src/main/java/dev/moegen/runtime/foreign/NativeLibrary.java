package dev.moegen.runtime.foreign;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.function.Function;

/**
 * A native library bound on first use through {@code java.lang.foreign}, or the reason it cannot
 * be (missing library or symbol), so a backend can report itself unavailable instead of failing.
 */
public final class NativeLibrary<T> {
    private static final Linker LINKER = Linker.nativeLinker();
    private final String name;
    private final Function<SymbolLookup, T> bind;
    private final String hint;
    private volatile T bound;
    private volatile String unavailable;

    /** @param hint appended to the reason when loading fails (e.g. what to install) */
    public NativeLibrary(String name, Function<SymbolLookup, T> bind, String hint) {
        this.name = name;
        this.bind = bind;
        this.hint = hint;
    }

    public Optional<T> get() {
        if (bound == null && unavailable == null) {
            synchronized (this) {
                if (bound == null && unavailable == null) {
                    try {
                        bound = bind.apply(SymbolLookup.libraryLookup(name, Arena.global()));
                    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                        unavailable = "cannot load " + name + " (" + e.getMessage() + ")" + hint;
                    }
                }
            }
        }
        return Optional.ofNullable(bound);
    }

    /** Why {@link #get()} is empty; null while it is not. */
    public String unavailableReason() {
        return unavailable;
    }

    /** A downcall handle for a function only newer library versions have; null where this one lacks it. */
    public static MethodHandle optionalDowncall(SymbolLookup lookup, String function, MemoryLayout ret, MemoryLayout... args) {
        return lookup.find(function).map(sym -> LINKER.downcallHandle(sym, FunctionDescriptor.of(ret, args))).orElse(null);
    }

    /** A downcall handle for {@code function}; a missing symbol makes the whole library unavailable. */
    public static MethodHandle downcall(SymbolLookup lookup, String function, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment sym = lookup.find(function).orElseThrow(() -> new UnsatisfiedLinkError("symbol " + function + " not found"));
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(ret, args));
    }
}

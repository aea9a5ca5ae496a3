package dev.moegen.codegen.platform;

import java.util.Objects;

/**
 * A backend's name ("opencl", "cuda"): the key under which a {@link Dialect} (how kernels are spelled and compiled)
 * and a runtime provider (how they are launched) register. A value type, not an enum, so a new backend is a new
 * package that registers itself, not an edit here.
 */
public record BackendId(String id) {
    public static final BackendId OPENCL = new BackendId("opencl");
    public static final BackendId CUDA = new BackendId("cuda");

    public BackendId {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("backend id '" + id + "': must be lower-case [a-z0-9_]");
    }

    @Override
    public String toString() {
        return id;
    }
}

package dev.moegen.codegen;

/** Target language of generated kernels. */
public enum Backend {
    OPENCL("opencl", ".cl"), CUDA("cuda", ".cu");

    private final String id;
    private final String extension;

    Backend(String id, String extension) {
        this.id = id;
        this.extension = extension;
    }

    public String id() {
        return id;
    }

    public String extension() {
        return extension;
    }

    public static Backend parse(String s) {
        for (Backend b : values()) if (b.id.equalsIgnoreCase(s)) return b;
        throw new IllegalArgumentException("backend = '" + s + "': allowed: opencl, cuda");
    }
}

package dev.moegen.codegen.platform;

import dev.moegen.codegen.emit.GeneratedSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A backend's compiler: generated source → binaries plus the per-kernel resource report. */
public interface Toolchain {
    /** e.g. "nvcc 13.0 (sm_80, sm_90a)" */
    String describe();

    /** Compiles {@code source} into {@code dir}. */
    Compiled compile(GeneratedSource source, Path dir) throws IOException;

    /** Compiles {@code source} into {@code dir} for {@code arch} alone (a plan made for one architecture); by default as {@link #compile(GeneratedSource, Path)}. */
    default Compiled compileFor(GeneratedSource source, Path dir, String arch) throws IOException {
        return compile(source, dir);
    }

    /** What one compile produced: the files written, each kernel's resources per architecture, warnings, the full log. */
    record Compiled(List<Path> artifacts, List<ResourceUsage> resources, List<String> warnings, String log) {}
}

package dev.moegen.runtime.cuda;

import dev.moegen.codegen.cuda.Nvcc;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.runtime.exec.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cubins by source text for one architecture: nvcc runs once per distinct source, and {@link #prepare} runs it for
 * many sources at once (one process per core), so a tuner's next candidates compile while none is timed. Module
 * loading stays with the session (it needs the context's thread); a compile error surfaces where the cubin is used.
 */
final class CubinCache {
    private final Path workDir;
    private final String arch;
    private final ConcurrentHashMap<String, CompletableFuture<byte[]>> cubins = new ConcurrentHashMap<>();
    private final AtomicInteger compilations = new AtomicInteger();

    CubinCache(Path workDir, String arch) {
        this.workDir = workDir;
        this.arch = arch;
    }

    /** The source's cubin, compiled now unless prepared (or being compiled by another thread: then waited for); an nvcc failure is thrown with its log. */
    byte[] get(GeneratedSource src) {
        try {
            return future(src).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Compiles the sources not seen yet, in parallel; returns when all are done (failures are kept for {@link #get}). */
    void prepare(List<GeneratedSource> sources) {
        Parallel.each(sources.stream().filter(s -> !cubins.containsKey(s.text())).distinct().toList(), this::future);
    }

    /** The source's cubin: the first caller compiles it (outside the map's locks), later ones get the same result. */
    private CompletableFuture<byte[]> future(GeneratedSource src) {
        CompletableFuture<byte[]> mine = new CompletableFuture<>(), have = cubins.putIfAbsent(src.text(), mine);
        if (have != null) return have;
        try {
            mine.complete(compile(src));
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** Takes {@code cubin} as the source's (shipped with a generated launcher) unless the source is cached already. */
    void seed(GeneratedSource src, byte[] cubin) {
        cubins.putIfAbsent(src.text(), CompletableFuture.completedFuture(cubin.clone()));
    }

    /** nvcc runs so far (what the cache saved is what it did not run). */
    int compilations() {
        return compilations.get();
    }

    private byte[] compile(GeneratedSource src) {
        Nvcc nvcc = Nvcc.find().orElseThrow(() -> new IllegalStateException("the CUDA backend compiles kernels with nvcc; none found"));
        compilations.incrementAndGet();
        try {
            Path dir = Files.createTempDirectory(workDir, "m");
            Path cuFile = dir.resolve(src.fileName());
            Files.writeString(cuFile, src.text());
            return Files.readAllBytes(nvcc.cubin(cuFile, dir, arch, new StringBuilder()));
        } catch (IOException e) {
            throw new UncheckedIOException("compiling " + src.fileName() + " for " + arch, e);
        }
    }
}

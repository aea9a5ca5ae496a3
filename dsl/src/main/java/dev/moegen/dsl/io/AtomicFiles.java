package dev.moegen.dsl.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files that are never left half-written: written into a temporary sibling of the target and renamed into place
 * only when complete; the temporary is removed on failure. Folders: {@link OutputFolder}.
 */
public final class AtomicFiles {
    /** Writes into the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path into) throws IOException;
    }

    private AtomicFiles() {}

    /** A file: written to a temporary sibling, then renamed over {@code target}. */
    public static void file(Path target, Writer writer) throws IOException {
        Path dir = parentOf(target);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    private static Path parentOf(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return dir;
    }
}

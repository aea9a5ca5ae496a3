package dev.moegen.dsl.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Outputs that are never left half-written: everything is written into a temporary sibling of the
 * target and renamed into place only when complete; the temporary is removed on failure.
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

    /** A folder: built in a temporary sibling, then put in place of {@code target} (replacing it). */
    public static void replaceFolder(Path target, Writer writer) throws IOException {
        Path tmp = Files.createTempDirectory(parentOf(target), "." + target.getFileName() + ".tmp");
        try {
            writer.write(tmp);
            if (Files.exists(target)) deleteTree(target);
            Files.move(tmp, target.toAbsolutePath(), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    /** Files built in a temporary sibling, then each renamed into {@code target}; other files there stay. */
    public static void mergeIntoFolder(Path target, Writer writer) throws IOException {
        Path tmp = Files.createTempDirectory(parentOf(target), "." + target.getFileName() + ".tmp");
        try {
            writer.write(tmp);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path dest = target.resolve(tmp.relativize(f).toString());
                    Files.createDirectories(dest.getParent());
                    Files.move(f, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            deleteTree(tmp);
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

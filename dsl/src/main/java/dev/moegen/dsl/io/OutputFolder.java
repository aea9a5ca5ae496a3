package dev.moegen.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A folder moegen writes whole (generate --out, reference --dump, verify --dump). Rules, so nothing moegen did not
 * write is ever lost:
 * <ul>
 *   <li>it is built in a temporary sibling and moved into place only when complete: one run, never a mix;
 *   <li>a file at the path, or a non-empty folder without moegen's {@code manifest.json}, is refused, even with --force;
 *   <li>an earlier moegen output is replaced only with --force;
 *   <li>temporaries of runs that died (their process is gone) are swept on the next write; a live run's are
 *       deleted by {@link Cleanup} on SIGINT/SIGTERM.
 * </ul>
 * Problems are {@link IllegalArgumentException}s naming the option and the path (exit code 2).
 */
public final class OutputFolder {
    public static final String MANIFEST = "manifest.json";
    public static final String GENERATOR = "moegen";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputFolder() {}

    /** Fails (naming {@code option}) when writing {@code target} would lose something; call it before the work. */
    public static void check(Path target, boolean force, String option) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        if (!Files.exists(t, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(t) || !Files.isDirectory(t))
            throw new IllegalArgumentException(option + " " + target + ": is a file, not a folder; moegen writes a folder there and never replaces a file");
        if (isEmpty(t)) return;
        if (!isMoegenOutput(t))
            throw new IllegalArgumentException(option + " " + target + ": a non-empty folder moegen did not write (no moegen " + MANIFEST
                    + "); choose a new or empty folder");
        if (!force)
            throw new IllegalArgumentException(option + " " + target + ": holds an earlier moegen output; add --force to replace it");
    }

    /**
     * Writes {@code target} whole: {@code writer} fills a temporary sibling; a {@code manifest.json} naming
     * {@code kind} is added when the writer wrote none; then it takes {@code target}'s place.
     */
    public static void write(Path target, boolean force, String option, String kind, AtomicFiles.Writer writer) throws IOException {
        check(target, force, option);
        Path t = target.toAbsolutePath().normalize();
        Path dir = t.getParent();
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.FileSystemException e) {
            throw new IllegalArgumentException(option + " " + target + ": cannot create " + dir + " (" + reason(e) + ")");
        }
        sweep(dir, t.getFileName().toString());
        String prefix = "." + t.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-";
        Path tmp;
        try {
            tmp = Cleanup.register(Files.createTempDirectory(dir, prefix));
        } catch (java.nio.file.FileSystemException e) {
            throw new IllegalArgumentException(option + " " + target + ": cannot write in " + dir + " (" + reason(e) + ")");
        }
        try {
            writer.write(tmp);
            if (!Files.exists(tmp.resolve(MANIFEST))) {
                ObjectNode m = JSON.createObjectNode().put("generator", GENERATOR).put("kind", kind);
                JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(MANIFEST).toFile(), m);
            }
            place(tmp, t);
        } finally {
            if (Files.exists(tmp)) AtomicFiles.deleteTree(tmp);
            Cleanup.done(tmp);
        }
    }

    /** Whether {@code dir} holds a manifest.json written by moegen. */
    public static boolean isMoegenOutput(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) return false;
        try {
            JsonNode n = JSON.readTree(m.toFile());
            return n != null && GENERATOR.equals(n.path("generator").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private static void place(Path tmp, Path t) throws IOException {
        if (Files.isDirectory(t) && isEmpty(t)) { // keep an empty folder (it may be the working directory): move the files in
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path f : s.toList()) Files.move(f, t.resolve(f.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            return;
        }
        if (Files.exists(t)) { // an earlier moegen output (check() allowed it): aside, new in place, old deleted
            Path old = Cleanup.register(Files.createTempDirectory(t.getParent(), "." + t.getFileName() + ".old-" + ProcessHandle.current().pid() + "-"));
            Files.delete(old);
            Files.move(t, old, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(old, t, StandardCopyOption.ATOMIC_MOVE); // put the earlier output back
                throw e;
            } finally {
                if (Files.exists(old)) AtomicFiles.deleteTree(old);
                Cleanup.done(old);
            }
            return;
        }
        Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes temporaries of {@code name} left by runs whose process is gone. */
    static void sweep(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                for (String kind : new String[] {".tmp-", ".old-"}) {
                    String pre = "." + name + kind;
                    if (!f.startsWith(pre)) continue;
                    String rest = f.substring(pre.length());
                    int dash = rest.indexOf('-');
                    if (dash <= 0) continue;
                    long pid;
                    try {
                        pid = Long.parseLong(rest.substring(0, dash));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    private static String reason(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e.getReason() != null) return e.getReason();
        return e instanceof java.nio.file.NoSuchFileException ? "the folder cannot hold new files" : e.getClass().getSimpleName();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}

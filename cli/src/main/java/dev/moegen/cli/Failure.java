package dev.moegen.cli;

import dev.moegen.dsl.spec.SpecException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one rule for exit codes, for every command: 2 for bad input (an argument, a spec, a parameter, a file or
 * folder the user named that is missing, unreadable, malformed or in the way), 1 for a failed check or an
 * unavailable backend or tool, 0 otherwise (picocli's own usage errors are 2 too). Messages name the file and the
 * problem, never a bare path or a Java exception name.
 */
record Failure(int exitCode, String message) {
    static final int BAD_INPUT = 2, FAILED = 1;

    static Failure of(Throwable ex) {
        Throwable e = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
        return switch (e) {
            case SpecException s -> new Failure(BAD_INPUT, s.getMessage());
            case IllegalArgumentException i -> new Failure(BAD_INPUT, i.getMessage());
            case FileSystemException fs -> new Failure(BAD_INPUT, fs.getFile() + ": " + reason(fs)
                    + (fs.getOtherFile() != null ? " (" + fs.getOtherFile() + ")" : ""));
            case OutOfMemoryError oom -> new Failure(BAD_INPUT, "out of memory: the layer or token count is too large for this machine; try a larger --scale or fewer --tokens");
            default -> new Failure(FAILED, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        };
    }

    private static String reason(FileSystemException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file or folder";
            case AccessDeniedException a -> "permission denied";
            case NotDirectoryException n -> "not a folder";
            case FileAlreadyExistsException f -> "already exists";
            default -> e.getReason() != null ? e.getReason() : "cannot be read or written";
        };
    }
}

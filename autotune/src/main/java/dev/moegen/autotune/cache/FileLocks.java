package dev.moegen.autotune.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to a file across threads and processes: a lock per path within this JVM (file locks are held per
 * process, and a second lock on the same file from one JVM throws) and an OS file lock on the file itself.
 */
public final class FileLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    @FunctionalInterface
    public interface Body<T> {
        T run(FileChannel channel) throws IOException;
    }

    private FileLocks() {}

    /** Runs {@code body} holding both locks on {@code file}, opened with {@code options} (the channel is the locked file). */
    public static <T> T locked(Path file, Body<T> body, StandardOpenOption... options) throws IOException {
        ReentrantLock local = LOCAL.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = FileChannel.open(file, options); var os = ch.lock()) {
            return body.run(ch);
        } finally {
            local.unlock();
        }
    }
}

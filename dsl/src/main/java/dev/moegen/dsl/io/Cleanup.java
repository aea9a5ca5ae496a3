package dev.moegen.dsl.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an interrupted run must not leave behind: temporary folders and child processes (nvcc). Registered while
 * they live; a shutdown hook (it runs on SIGINT and SIGTERM) ends the processes and deletes the folders.
 */
public final class Cleanup {
    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();
    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::run, "moegen-cleanup"));
    }

    private Cleanup() {}

    public static Path register(Path p) {
        PATHS.add(p);
        return p;
    }

    public static void done(Path p) {
        PATHS.remove(p);
    }

    public static Process register(Process p) {
        PROCESSES.add(p);
        return p;
    }

    public static void done(Process p) {
        PROCESSES.remove(p);
    }

    private static void run() {
        for (Process p : PROCESSES) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Path p : PATHS) {
            try {
                AtomicFiles.deleteTree(p);
            } catch (IOException ignored) {
                // best effort while the JVM exits; the next run sweeps what is left (OutputFolder)
            }
        }
    }
}

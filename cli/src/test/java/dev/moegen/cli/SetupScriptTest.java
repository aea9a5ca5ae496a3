package dev.moegen.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/setup waits, saying so, while another apt/dpkg holds the package lock, instead of failing. */
class SetupScriptTest {
    @Test
    void setupWaitsForAHeldPackageLock(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v flock").start().waitFor() == 0, "flock (util-linux)");
        Path lock = Files.createFile(dir.resolve("lock-frontend"));
        Path script = Path.of("..", "bin", "apt-wait.sh").toAbsolutePath().normalize();
        Process holder = new ProcessBuilder("flock", lock.toString(), "sleep", "3").start();
        Thread.sleep(500); // the holder has the lock
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("MOEGEN_APT_LOCK", lock.toString());
        Process wait = pb.start();
        assertTrue(wait.waitFor(60, TimeUnit.SECONDS));
        String out = new String(wait.getInputStream().readAllBytes());
        assertEquals(0, wait.exitValue(), out);
        assertTrue(out.contains("another apt/dpkg holds " + lock + "; waiting"), out);
        assertTrue(out.contains("the lock is free; continuing"), out);
        assertTrue((System.nanoTime() - t0) / 1e9 > 1.5, "it waited for the holder");
        holder.waitFor();
    }
}

package dev.moegen.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * The one place that decides what a test does when a backend or tool is missing. What CI machines always have
 * (PoCL for OpenCL, nvcc) must be there under CI, so a broken install fails the build instead of skipping its
 * tests; elsewhere the test is skipped with the reason. A GPU is never required. Each guard takes the backend's
 * own "why unavailable" so this module needs no runtime.
 */
public final class Guards {
    private Guards() {}

    /** Whether this is a CI run ({@code CI} set, as .ci/run's environment has it). */
    public static boolean ci() {
        return System.getenv("CI") != null;
    }

    /** OpenCL (PoCL in CI) must work under CI; elsewhere a missing OpenCL skips the test. */
    public static void openCl(Optional<String> unavailableReason) {
        requiredInCi("OpenCL", unavailableReason);
    }

    /** nvcc is on every build machine: required under CI, else a skip. */
    public static void nvcc(boolean found) {
        requiredInCi("nvcc", found ? Optional.empty() : Optional.of("not found in $CUDA_HOME/bin, $PATH or /usr/local/cuda/bin"));
    }

    /** python3 with NumPy (the benchmark's peer) is on every build machine: required under CI, else a skip. */
    public static void numpy(Optional<String> unavailableReason) {
        requiredInCi("python3 with NumPy", unavailableReason);
    }

    /** A GPU backend (CUDA): tests that need it are skipped where it is missing, CI included. */
    public static void gpu(String backend, Optional<String> unavailableReason) {
        assumeTrue(unavailableReason.isEmpty(), () -> "no " + backend + ": " + unavailableReason.orElse(""));
    }

    /** For tests of the "unavailable" path: skipped where the backend is present. */
    public static void absent(String backend, Optional<String> unavailableReason) {
        assumeTrue(unavailableReason.isPresent(), () -> backend + " is present here");
    }

    private static void requiredInCi(String what, Optional<String> unavailableReason) {
        if (ci()) assertTrue(unavailableReason.isEmpty(), () -> "CI must have " + what + ": " + unavailableReason.orElse(""));
        assumeTrue(unavailableReason.isEmpty(), () -> "no " + what + ": " + unavailableReason.orElse(""));
    }
}

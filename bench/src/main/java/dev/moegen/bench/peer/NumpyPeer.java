package dev.moegen.bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The layer as a NumPy user would write it (fp32, a matmul pair per expert hit), run by python3 from the script
 * {@code peers/numpy_moe.py} shipped in this jar, on the inputs of a moegen dump. It checks its own output against
 * the dump's reference before it is timed; then each {@link #runOnceMs} is one forward timed by the script's own
 * clock, so moegen can alternate its runs with the peer's. A benchmark tool: never on moegen's runtime path.
 */
public final class NumpyPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final double relError;
    private final String version;

    private NumpyPeer(Process process, String version, double relError) {
        this.process = process;
        this.out = process.inputReader(StandardCharsets.UTF_8);
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.version = version;
        this.relError = relError;
    }

    /** Why the peer cannot run here (no python3, no NumPy), or empty. */
    public static Optional<String> unavailableReason() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("python3 -c 'import numpy' did not answer in 60 s");
            }
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("python3 has no NumPy (" + new String(p.getInputStream().readAllBytes()).strip() + ")");
        } catch (IOException e) {
            return Optional.of("no python3 on PATH (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /**
     * Starts the peer on a dump folder; it loads the inputs and checks its output against the dump's y.
     * {@code nativeBlas}: run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so OpenBLAS picks this processor's own
     * kernels (machines of this project set them for old OpenBLAS builds; they slow a current NumPy about 2×).
     * Benchmarks pass true; tests keep the machine's environment.
     */
    public static NumpyPeer start(Path dump, boolean nativeBlas) throws IOException {
        Process p = process(nativeBlas, script().toString(), dump.toString()).start();
        String first = p.inputReader(StandardCharsets.UTF_8).readLine();
        if (first == null) throw new IOException("the NumPy peer exited before its check (exit " + waitExit(p) + ")");
        JsonNode j = JSON.readTree(first);
        return new NumpyPeer(p, j.path("numpy").asText(), j.path("check").path("rel_err").asDouble(Double.NaN));
    }

    /** NumPy's own sgemm rate (FLOP/s, 1024³) and copy bandwidth (bytes read + written per second) on this machine. */
    public static double[] floors(boolean nativeBlas) throws IOException {
        Process p = process(nativeBlas, script().toString(), "--floors").start();
        String line = p.inputReader(StandardCharsets.UTF_8).readLine();
        if (line == null) throw new IOException("the NumPy floors script printed nothing (exit " + waitExit(p) + ")");
        JsonNode j = JSON.readTree(line);
        waitExit(p);
        return new double[] {j.path("sgemm_flops").asDouble(), j.path("copy_bytes_per_s").asDouble()};
    }

    public String name() {
        return "numpy " + version;
    }

    /** ‖y_peer − y_ref‖ / ‖y_ref‖ on the dump's inputs. */
    public double relError() {
        return relError;
    }

    /** One forward of the layer, in ms by the peer's clock. */
    public double runOnceMs() {
        try {
            in.write("run 1\n");
            in.flush();
            String line = out.readLine();
            if (line == null) throw new IOException("the NumPy peer exited (exit " + waitExit(process) + ")");
            return JSON.readTree(line).path("ms").get(0).asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException("NumPy peer", e);
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static ProcessBuilder process(boolean nativeBlas, String... args) {
        ProcessBuilder b = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("python3"), java.util.Arrays.stream(args)).toList())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (nativeBlas) {
            b.environment().remove("OPENBLAS_CORETYPE");
            b.environment().remove("OPENBLAS_L2_SIZE");
        }
        return b;
    }

    private static int waitExit(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The script, copied once per JVM from the jar to a temporary file python3 can run. */
    private static synchronized Path script() throws IOException {
        if (scriptPath == null) {
            Path f = Files.createTempFile("moegen-numpy-peer", ".py");
            f.toFile().deleteOnExit();
            try (InputStream s = NumpyPeer.class.getResourceAsStream("/dev/moegen/bench/peers/numpy_moe.py")) {
                if (s == null) throw new IOException("numpy_moe.py missing from the bench jar");
                Files.write(f, s.readAllBytes());
            }
            scriptPath = f;
        }
        return scriptPath;
    }

    private static Path scriptPath;
}

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The layer as a NumPy or PyTorch user would write it ({@link PeerKind}), run by python3 from the scripts under
 * {@code peers/} shipped in this jar, on the inputs of a moegen dump. It checks its own output against the dump's
 * reference before it is timed; then each {@link #runOnceMs} is one forward timed by the script's own clock, so moegen
 * can alternate its runs with the peer's. A benchmark tool: never on moegen's runtime path.
 */
public final class PythonPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final double relError;
    private final String version;

    private PythonPeer(Process process, String version, double relError) {
        this.process = process;
        this.out = process.inputReader(StandardCharsets.UTF_8);
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.version = version;
        this.relError = relError;
    }

    /** Why the NumPy peer cannot run here (no python3, no NumPy), or empty. */
    public static Optional<String> unavailableReason() {
        return unavailableReason(PeerKind.NUMPY);
    }

    /** Why a peer cannot run here (no python3, no NumPy, no PyTorch or no GPU for it), or empty. */
    public static Optional<String> unavailableReason(PeerKind kind) {
        try {
            Process p = new ProcessBuilder("python3", "-c", kind.probe()).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("python3 -c '" + kind.probe() + "' did not answer in 60 s");
            }
            String said = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("python3 cannot run the " + kind.label() + " peer (" + said.lines().reduce((a, b) -> b).orElse("") + ")");
        } catch (IOException e) {
            return Optional.of("no python3 on PATH (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /**
     * Starts the NumPy peer on a dump folder; it loads the inputs and checks its output against the dump's y.
     * {@code nativeBlas}: run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so OpenBLAS picks this processor's own
     * kernels (machines of this project set them for old OpenBLAS builds; they slow a current NumPy about 2×).
     * Benchmarks pass true; tests keep the machine's environment.
     */
    public static PythonPeer start(Path dump, boolean nativeBlas) throws IOException {
        return start(PeerKind.NUMPY, dump, nativeBlas);
    }

    /** Starts a peer of {@code kind} on a dump folder; a peer that cannot compute this layer says why in the exception. */
    public static PythonPeer start(PeerKind kind, Path dump, boolean nativeBlas) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(script(kind).toString(), dump.toString()));
        args.addAll(kind.args());
        Process p = process(nativeBlas, args.toArray(String[]::new)).start();
        String first = p.inputReader(StandardCharsets.UTF_8).readLine();
        if (first == null) throw new IOException("the " + kind.label() + " peer exited before its check (exit " + waitExit(p) + ")");
        JsonNode j = JSON.readTree(first);
        if (j.has("error")) {
            waitExit(p);
            throw new IOException("the " + kind.label() + " peer: " + j.path("error").asText());
        }
        String version = kind == PeerKind.NUMPY ? "numpy " + j.path("numpy").asText() : kind.label() + " (torch " + j.path("torch").asText() + ")";
        return new PythonPeer(p, version, j.path("check").path("rel_err").asDouble(Double.NaN));
    }

    /** NumPy's own sgemm rate (FLOP/s, 1024³) and copy bandwidth (bytes read + written per second) on this machine. */
    public static double[] floors(boolean nativeBlas) throws IOException {
        Process p = process(nativeBlas, script(PeerKind.NUMPY).toString(), "--floors").start();
        String line = p.inputReader(StandardCharsets.UTF_8).readLine();
        if (line == null) throw new IOException("the NumPy floors script printed nothing (exit " + waitExit(p) + ")");
        JsonNode j = JSON.readTree(line);
        waitExit(p);
        return new double[] {j.path("sgemm_flops").asDouble(), j.path("copy_bytes_per_s").asDouble()};
    }

    public String name() {
        return version;
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
            if (line == null) throw new IOException("the " + version + " peer exited (exit " + waitExit(process) + ")");
            return JSON.readTree(line).path("ms").get(0).asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(version + " peer", e);
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

    /** A peer's script, the scripts copied once per JVM from the jar into one temporary folder (the torch peer imports the NumPy one's loader). */
    private static synchronized Path script(PeerKind kind) throws IOException {
        if (scripts == null) {
            Path dir = dev.moegen.dsl.io.Cleanup.register(Files.createTempDirectory("moegen-peers"));
            for (String name : List.of("numpy_moe.py", "torch_moe.py"))
                try (InputStream s = PythonPeer.class.getResourceAsStream("/dev/moegen/bench/peers/" + name)) {
                    if (s == null) throw new IOException(name + " missing from the bench jar");
                    Files.write(dir.resolve(name), s.readAllBytes());
                }
            scripts = dir;
        }
        return scripts.resolve(kind.script());
    }

    private static Path scripts;
}

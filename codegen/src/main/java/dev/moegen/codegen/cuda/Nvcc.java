package dev.moegen.codegen.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA compiler: found through $CUDA_HOME, $PATH or /usr/local/cuda. Compiles generated CUDA
 * to PTX and cubin per architecture (sm_80 and sm_90a by default) with the ptxas resource report;
 * a compile error comes back with the offending source lines.
 */
public final class Nvcc {
    public static final List<String> DEFAULT_ARCHS = List.of("sm_80", "sm_90a");
    private static final Pattern ERROR_LINE = Pattern.compile("\\((\\d+)\\): error");
    private final Path nvcc;

    private Nvcc(Path nvcc) {
        this.nvcc = nvcc;
    }

    public static Optional<Nvcc> find() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) candidates.add(Path.of(home, "bin", "nvcc"));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(java.io.File.pathSeparator)) if (!d.isEmpty()) candidates.add(Path.of(d, "nvcc"));
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Nvcc::new);
    }

    public Path path() {
        return nvcc;
    }

    /** Outputs of one compile: PTX and cubin per architecture, and the parsed ptxas report. */
    public record Result(List<Path> ptx, List<Path> cubins, PtxasReport report, String log) {}

    /** Compiles {@code cu} into {@code outDir}: {@code name.sm_XX.ptx} and {@code name.sm_XX.cubin} per arch. */
    public Result compile(Path cu, Path outDir, List<String> archs) throws IOException {
        List<Path> ptx = new ArrayList<>(), cubins = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        for (String arch : archs) {
            ptx.add(ptx(cu, outDir, arch, log));
            cubins.add(cubin(cu, outDir, arch, log));
        }
        return new Result(ptx, cubins, PtxasReport.parse(log.toString()), log.toString());
    }

    /** PTX for {@code arch}'s virtual architecture (compute_XX), as the driver can JIT it. */
    public Path ptx(Path cu, Path outDir, String arch, StringBuilder log) throws IOException {
        Path p = output(cu, outDir, arch, ".ptx");
        run(List.of(nvcc.toString(), "-std=c++17", "-O3", "-ptx", "-arch=" + arch.replace("sm_", "compute_"), "-o", p.toString(), cu.toString()), cu, log);
        return p;
    }

    /** A cubin for {@code arch} (sm_90a keeps Hopper's own instructions), with the ptxas -v report in {@code log}. */
    public Path cubin(Path cu, Path outDir, String arch, StringBuilder log) throws IOException {
        Path c = output(cu, outDir, arch, ".cubin");
        run(List.of(nvcc.toString(), "-std=c++17", "-O3", "-cubin", "-gencode=arch=" + arch.replace("sm_", "compute_") + ",code=" + arch,
                "-Xptxas", "-v", "-o", c.toString(), cu.toString()), cu, log);
        return c;
    }

    private static Path output(Path cu, Path outDir, String arch, String ext) throws IOException {
        Files.createDirectories(outDir);
        return outDir.resolve(cu.getFileName().toString().replaceFirst("\\.cu$", "") + "." + arch + ext);
    }

    private static void run(List<String> cmd, Path cu, StringBuilder log) throws IOException {
        Process p = dev.moegen.dsl.io.Cleanup.register(new ProcessBuilder(cmd).redirectErrorStream(true).start()); // ended on SIGINT/SIGTERM
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("nvcc timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } finally {
            dev.moegen.dsl.io.Cleanup.done(p);
        }
        log.append(out);
        if (p.exitValue() != 0) throw new IOException(summary(cmd, cu, out, p.exitValue()));
    }

    /**
     * One line: the first error with its source line, and where the whole log is (the command, nvcc's output and
     * every error's source line), kept in the temp folder for the user.
     */
    static String summary(List<String> cmd, Path cu, String out, int exit) throws IOException {
        String arch = cmd.stream().filter(c -> c.startsWith("-arch=") || c.startsWith("-gencode=")).findFirst().orElse("").replaceAll(".*[=,]", "").replace("compute_", "sm_");
        String first = out.lines().filter(l -> l.contains("error")).findFirst().orElse(out.lines().findFirst().orElse("no output")).strip();
        String src = withSource(cu, first).strip();
        Path logFile = Files.createTempFile("moegen-nvcc-" + cu.getFileName().toString().replaceFirst("\\.cu$", "") + "-" + arch + "-", ".log");
        Files.writeString(logFile, String.join(" ", cmd) + "\n\n" + out + withSource(cu, out) + "\n");
        return "nvcc failed (exit " + exit + ") compiling " + cu.getFileName() + " for " + arch + ": " + first + (src.isEmpty() ? "" : " [" + src + "]")
                + "; full log: " + logFile;
    }

    private static String withSource(Path cu, String out) throws IOException {
        List<String> lines = Files.readAllLines(cu);
        StringBuilder b = new StringBuilder();
        Matcher m = ERROR_LINE.matcher(out);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            b.append("\n").append(cu.getFileName()).append(":").append(n).append(": ");
            if (n >= 1 && n <= lines.size()) b.append(lines.get(n - 1).strip());
        }
        return b.toString();
    }
}

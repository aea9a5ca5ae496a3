package dev.moegen.codegen.emit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * SHA-256 over templates (path and text, in path order), from the class path whether it is a folder or a jar:
 * over all of them, it identifies the generator's kernel text in manifests; over a kernel family's, it keys the
 * tuned database, so a change to a family's templates marks its tuned entries stale.
 */
public final class TemplateHash {
    private static final String ROOT = "/dev/moegen/codegen/templates";
    private static final Map<String, String> CACHED = new java.util.concurrent.ConcurrentHashMap<>();

    private TemplateHash() {}

    /** Over every template. */
    public static String get() {
        return CACHED.computeIfAbsent("", k -> compute(p -> true));
    }

    /**
     * Over the templates a kernel family is built from ({@link dev.moegen.codegen.params.Family#templates}): what its
     * tuned entries depend on, so a change to another family's kernels leaves them current.
     */
    public static String of(dev.moegen.codegen.params.Family family) {
        return CACHED.computeIfAbsent(family.id(), k -> compute(family::builtFrom));
    }

    /** Over the GroupGEMM templates that main loops {@code loops} are built from ({@link dev.moegen.codegen.params.Family#gemmBuiltFrom}). */
    public static String ofGemmLoops(java.util.Set<dev.moegen.codegen.params.KernelParams.Gemm> loops) {
        var sorted = new java.util.TreeSet<>(loops);
        return CACHED.computeIfAbsent("gemm:" + sorted, k -> compute(p -> dev.moegen.codegen.params.Family.gemmBuiltFrom(p, sorted)));
    }

    private static String compute(java.util.function.Predicate<String> include) {
        try {
            URI uri = TemplateHash.class.getResource(ROOT).toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return hash(fs.getPath(ROOT), include);
                }
            }
            return hash(Path.of(uri), include);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the templates", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(Path root, java.util.function.Predicate<String> include) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".ftl") && include.test(root.relativize(p).toString().replace('\\', '/'))).sorted((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString())).toList();
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                d.update(root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

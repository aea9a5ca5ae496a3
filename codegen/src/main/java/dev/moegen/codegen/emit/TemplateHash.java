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
 * SHA-256 over every template (path and text, in path order), from the class path whether it is a folder or a
 * jar: identifies the generator's kernel text in manifests and the tuned database, so a template change marks
 * every tuned entry stale.
 */
public final class TemplateHash {
    private static final String ROOT = "/dev/moegen/codegen/templates";
    private static volatile String cached;

    private TemplateHash() {}

    public static String get() {
        String h = cached;
        if (h == null) cached = h = compute();
        return h;
    }

    private static String compute() {
        try {
            URI uri = TemplateHash.class.getResource(ROOT).toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return hash(fs.getPath(ROOT));
                }
            }
            return hash(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the templates", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".ftl")).sorted((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString())).toList();
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

package dev.moegen.runtime.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernels generated ahead of time and shipped on the classpath (moegen-maven-plugin writes them under
 * {@code moegen/<layer>/<backend>/} with a manifest naming every file): the kernel source, and for CUDA a cubin per
 * architecture, so a deployed launcher needs no nvcc. {@link #NONE} where nothing was shipped.
 *
 * @param folder the classpath folder read, for messages
 * @param source the kernel source text, or null
 * @param cubins cubin images by architecture ("sm_90a")
 */
public record Prebuilt(String folder, String source, Map<String, byte[]> cubins) {
    public static final Prebuilt NONE = new Prebuilt("", null, Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    public Prebuilt {
        cubins = Map.copyOf(cubins);
    }

    /** A target as generated launchers and the classpath folders name it: "opencl", "cuda/sm_90a". */
    public static String key(dev.moegen.codegen.platform.Target t) {
        return dev.moegen.codegen.launcher.LauncherGenerator.targetKey(t);
    }

    public boolean present() {
        return source != null;
    }

    /** What {@code anchor}'s class loader holds under {@code folder} (e.g. "moegen/qwen3_30b_a3b/cuda/"), or NONE. */
    public static Prebuilt fromClasspath(Class<?> anchor, String folder) {
        String base = folder.endsWith("/") ? folder : folder + "/";
        byte[] manifest = read(anchor, base + "manifest.json");
        if (manifest == null) return NONE;
        try {
            JsonNode m = JSON.readTree(manifest);
            String source = null;
            Map<String, byte[]> cubins = new LinkedHashMap<>();
            for (JsonNode f : m.path("files")) {
                String name = f.asText();
                if (name.endsWith(".cl") || name.endsWith(".cu")) source = new String(require(anchor, base + name), java.nio.charset.StandardCharsets.UTF_8);
                else if (name.endsWith(".cubin")) { // <layer>.<arch>.cubin
                    String stem = name.substring(0, name.length() - ".cubin".length());
                    cubins.put(stem.substring(stem.lastIndexOf('.') + 1), require(anchor, base + name));
                }
            }
            return new Prebuilt(base, source, cubins);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + base + "manifest.json from the classpath", e);
        }
    }

    private static byte[] require(Class<?> anchor, String path) {
        byte[] b = read(anchor, path);
        if (b == null) throw new IllegalStateException(path + ": named by its manifest but not on the classpath");
        return b;
    }

    private static byte[] read(Class<?> anchor, String path) {
        try (InputStream in = anchor.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from the classpath", e);
        }
    }
}

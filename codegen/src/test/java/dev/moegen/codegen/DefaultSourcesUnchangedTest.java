package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.*;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.types.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every preset's generated default source, for OpenCL and for CUDA sm_90a and sm_80, and the bench kernels, must
 * stay what they were when the golden file was recorded: refactors of the generator change no kernel. Sources are
 * compared modulo whitespace (SHA-256 of the text with all whitespace removed), so a signature may be re-wrapped;
 * a change of any token fails. A deliberate kernel change updates {@code default-sources.sha256} in the same commit.
 */
class DefaultSourcesUnchangedTest {
    static Map<String, String> actual() throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String p : Presets.names()) {
            var s = Presets.get(p);
            m.put(p + " opencl", hash(SourceEmitter.emit(Lowering.lower(s, OpenClDialect.TARGET)).text()));
            for (String arch : new String[] {"sm_90a", "sm_80"})
                m.put(p + " cuda-" + arch, hash(SourceEmitter.emit(Lowering.lower(s, CudaDialect.cuda(arch))).text()));
        }
        for (var t : java.util.List.of(OpenClDialect.TARGET, CudaDialect.AHEAD_OF_TIME))
            for (DType d : new DType[] {DType.BF16, DType.FP16, DType.FP32})
                m.put("bench " + t.backend().id() + " " + d.id(), hash(SourceEmitter.emitBench(t, 1024, 256, d).text()));
        return m;
    }

    static String hash(String source) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(source.replaceAll("\\s+", "").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d);
    }

    static Map<String, String> golden() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (InputStream in = DefaultSourcesUnchangedTest.class.getResourceAsStream("default-sources.sha256")) {
            assertNotNull(in, "golden file default-sources.sha256");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int sp = line.lastIndexOf(' ');
                m.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return m;
    }

    @Test
    void everyPresetsDefaultSourceIsUnchanged() throws Exception {
        Map<String, String> a = actual(), g = golden();
        StringBuilder table = new StringBuilder();
        a.forEach((k, v) -> table.append(k).append(' ').append(v).append('\n'));
        assertEquals(g.keySet(), a.keySet(), "cases:\n" + table);
        for (var e : g.entrySet()) assertEquals(e.getValue(), a.get(e.getKey()), e.getKey() + " changed; now:\n" + table);
    }
}

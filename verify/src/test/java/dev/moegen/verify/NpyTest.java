package dev.moegen.verify;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.types.DType;
import dev.moegen.verify.npy.*;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void roundTripsEveryTypeWithBf16NamedInMeta(@TempDir Path dir) throws Exception {
        float[] f = {1.5f, -2.25f, 3.0e-3f, 65504f, 0f, -0f};
        NpyBundle b = new NpyBundle()
                .put("a32", NpyArray.of(DType.FP32, f, 2, 3))
                .put("a16", NpyArray.of(DType.FP16, f, 6))
                .put("abf", NpyArray.of(DType.BF16, f, 3, 2))
                .put("ids", NpyArray.ofInts(new int[] {7, -1, 3}, 3));
        b.meta().put("seed", 42);
        b.write(dir.resolve("dump"), false, "--dump");
        NpyBundle r = NpyBundle.read(dir.resolve("dump"));
        assertEquals(42, r.meta().get("seed").asInt());
        assertArrayEquals(f, r.get("a32").floats());
        assertArrayEquals(new long[] {2, 3}, r.get("a32").shape());
        for (int i = 0; i < f.length; i++) {
            assertEquals(DType.FP16.round(f[i]), r.get("a16").floats()[i]);
            assertEquals(DType.BF16.round(f[i]), r.get("abf").floats()[i]);
        }
        assertEquals(DType.BF16, r.get("abf").dtype());
        assertArrayEquals(new int[] {7, -1, 3}, r.get("ids").ints());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary folders left");
        }
    }

    @Test
    void headerIsWhatNumpyWrites() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, NpyArray.of(DType.FP32, new float[] {1, 2, 3}, 3));
        byte[] bytes = out.toByteArray();
        assertEquals(128 + 12, bytes.length, "header padded to 128 bytes as numpy does, then 12 data bytes");
        String header = new String(bytes, 10, 118);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertEquals('\n', header.charAt(117));
        assertThrows(java.io.IOException.class, () -> Npy.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), null));
    }
}

package dev.moegen.runtime.exec;

import static java.lang.foreign.ValueLayout.*;

import dev.moegen.dsl.types.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host arrays ↔ device byte layouts (little-endian; bf16 as its upper 16 bits, rounded to nearest even). */
public final class HostCodec {
    private HostCodec() {}

    public static MemorySegment encode(Arena a, DType d, float[] v) {
        return encodeInto(a.allocate(Math.max(1, (long) v.length * d.bytes()), 8), d, v);
    }

    /** Writes {@code v} into {@code m} (at least v.length × d.bytes() bytes) in the device layout of {@code d}. */
    public static MemorySegment encodeInto(MemorySegment m, DType d, float[] v) {
        // one dtype dispatch per array, not per element: x is encoded on every forward
        switch (d) {
            case FP32 -> MemorySegment.copy(v, 0, m, JAVA_FLOAT_UNALIGNED, 0, v.length);
            case FP16 -> { for (int i = 0; i < v.length; i++) m.setAtIndex(JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(v[i])); }
            case BF16 -> { for (int i = 0; i < v.length; i++) m.setAtIndex(JAVA_SHORT_UNALIGNED, i, DType.floatToBf16(v[i])); }
            default -> throw new IllegalArgumentException("cannot encode floats as " + d.id());
        }
        return m;
    }

    public static float[] decode(MemorySegment m, DType d, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (d) {
                case FP32 -> m.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                case FP16 -> Float.float16ToFloat(m.getAtIndex(JAVA_SHORT_UNALIGNED, i));
                case BF16 -> DType.bf16ToFloat(m.getAtIndex(JAVA_SHORT_UNALIGNED, i));
                default -> throw new IllegalArgumentException("cannot decode " + d.id() + " as floats");
            };
        }
        return v;
    }

    public static int[] decodeInts(MemorySegment m, int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = m.getAtIndex(JAVA_INT_UNALIGNED, i);
        return v;
    }
}

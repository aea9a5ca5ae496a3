package dev.moegen.dsl.types;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of activations and weights. Values are held on the host as {@code float}s that are
 * exactly representable in the type ({@link #round}), so a reference computed on them sees the same
 * inputs as a kernel that reads the narrow type.
 */
public enum DType {
    FP32("fp32", 4),
    FP16("fp16", 2),
    BF16("bf16", 2),
    /** Declared for specs and storage; no kernel computes in it yet. */
    FP8_E4M3("fp8-e4m3", 1),
    /** Ids and counts (top-k ids, permutations); never a layer's compute type. */
    INT32("int32", 4);

    private final String id;
    private final int bytes;

    DType(String id, int bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public boolean floating() {
        return this != INT32;
    }

    public int bytes() {
        return bytes;
    }

    @JsonCreator
    public static DType parse(String s) {
        for (DType d : values()) {
            if (d.id.equalsIgnoreCase(s) || d.name().equalsIgnoreCase(s)) return d;
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "'; allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(DType::id).collect(Collectors.joining(", "));
    }

    /** Rounds to the nearest value of this type (ties to even), returned as a float. */
    public float round(float v) {
        return switch (this) {
            case FP32 -> v;
            case FP16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> bf16ToFloat(floatToBf16(v));
            case FP8_E4M3 -> Fp8E4M3.round(v);
            case INT32 -> (float) Math.rint(v);
        };
    }

    /** Round-to-nearest-even float → bf16 bits; NaN stays a quiet NaN. */
    public static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}

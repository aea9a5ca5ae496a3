package dev.moegen.verify.npy;

import dev.moegen.dsl.types.DType;

/**
 * An array read from or written to a .npy file. Floating data is held as float[], integer data as
 * int[] (int64 files must fit int32). {@code dtype} is the moegen type: bf16 travels as uint16 bits.
 */
public record NpyArray(DType dtype, long[] shape, float[] floats, int[] ints) {
    public static NpyArray of(DType d, float[] data, long... shape) {
        return new NpyArray(d, shape, data, null);
    }

    public static NpyArray ofInts(int[] data, long... shape) {
        return new NpyArray(DType.INT32, shape, null, data);
    }

    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }
}

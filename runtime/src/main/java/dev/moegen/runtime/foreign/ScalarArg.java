package dev.moegen.runtime.foreign;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A scalar kernel argument as the bytes clSetKernelArg and cuLaunchKernel copy from. */
public final class ScalarArg {
    private ScalarArg() {}

    public static MemorySegment pack(Arena a, Object value) {
        return switch (value) {
            case Integer i -> a.allocateFrom(JAVA_INT, i);
            case Long l -> a.allocateFrom(JAVA_LONG, l);
            case Float f -> a.allocateFrom(JAVA_FLOAT, f);
            case byte[] b -> { // a struct passed by value (a TMA tensor map): 64-byte aligned as CUtensorMap is
                MemorySegment m = a.allocate(b.length, 64);
                MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
                yield m;
            }
            default -> throw new IllegalArgumentException("kernel argument of type " + value.getClass().getSimpleName()
                    + ": allowed Integer, Long, Float, byte[] (a struct by value) or a device buffer");
        };
    }
}

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
            default -> throw new IllegalArgumentException("kernel argument of type " + value.getClass().getSimpleName()
                    + ": allowed Integer, Long, Float or a device buffer");
        };
    }
}

package dev.moegen.codegen.plan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code matrices} row-major [rows][cols] matrices, one after the other, each turned into [cols][rows]: how a k-major
 * weight buffer (the tiled loop's, {@link KernelPlan#transpose}) is laid out from the user's [out][in] rows.
 */
public record Transpose(long matrices, int rows, int cols) {
    public Transpose {
        if (matrices < 0 || rows < 1 || cols < 1) throw new IllegalArgumentException("transpose of " + matrices + " × " + rows + " × " + cols);
    }

    /** The transpose back: [cols][rows] matrices to [rows][cols]. */
    public Transpose inverse() {
        return new Transpose(matrices, cols, rows);
    }

    public long elements() {
        return Math.multiplyExact(matrices, (long) rows * cols);
    }

    public float[] apply(float[] v) {
        check(v.length);
        float[] out = new float[v.length];
        long per = (long) rows * cols;
        for (long m = 0; m < matrices; m++) {
            int base = (int) (m * per);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) out[base + c * rows + r] = v[base + r * cols + c];
        }
        return out;
    }

    /** {@code src}'s elements of {@code bytes} bytes each (2 or 4: the dtype's storage) into {@code dst}, transposed. */
    public void apply(MemorySegment src, MemorySegment dst, int bytes) {
        if (src.byteSize() < elements() * bytes || dst.byteSize() < elements() * bytes)
            throw new IllegalArgumentException("segments of " + src.byteSize() + " / " + dst.byteSize() + " B for " + elements() + " elements of " + bytes + " B");
        long per = (long) rows * cols;
        for (long m = 0; m < matrices; m++) {
            long base = m * per;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    long from = (base + (long) r * cols + c) * bytes, to = (base + (long) c * rows + r) * bytes;
                    switch (bytes) {
                        case 2 -> dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, src.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
                        case 4 -> dst.set(ValueLayout.JAVA_INT_UNALIGNED, to, src.get(ValueLayout.JAVA_INT_UNALIGNED, from));
                        case 1 -> dst.set(ValueLayout.JAVA_BYTE, to, src.get(ValueLayout.JAVA_BYTE, from));
                        default -> throw new IllegalArgumentException("element size " + bytes + " B");
                    }
                }
        }
    }

    private void check(long n) {
        if (n != elements()) throw new IllegalArgumentException(n + " elements, the transpose needs " + elements() + " (" + matrices + " × " + rows + " × " + cols + ")");
    }
}

package dev.moegen.codegen.plan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code matrices} row-major [rows][cols] matrices (rows: a weight's outputs, cols: its inputs, K), each laid out k-major
 * in panels of {@code panel} rows: panel p holds rows [p·panel, (p+1)·panel) as [cols][panel], the panels one after
 * the other — as BLIS packs B, so a work-item streaming a panel reads consecutive addresses. {@code panel == rows} is
 * the plain transpose [cols][rows]. How the tiled loop's w13 and w2 lie on the device ({@link KernelPlan#transpose}).
 */
public record Transpose(long matrices, int rows, int cols, int panel) {
    public Transpose {
        if (matrices < 0 || rows < 1 || cols < 1 || panel < 1 || rows % panel != 0)
            throw new IllegalArgumentException("layout of " + matrices + " × " + rows + " × " + cols + " in panels of " + panel + " rows");
    }

    public long elements() {
        return Math.multiplyExact(matrices, (long) rows * cols);
    }

    /** Where element (r, c) of a matrix lies within it, laid out. */
    private long laid(long r, long c) {
        return r / panel * panel * cols + c * panel + r % panel;
    }

    /** The user's layout to this one. */
    public float[] apply(float[] v) {
        return move(v, true);
    }

    /** This layout back to the user's. */
    public float[] undo(float[] v) {
        return move(v, false);
    }

    /** Floats through the same element move as device storage: 4-byte elements of heap segments. */
    private float[] move(float[] v, boolean forward) {
        if (v.length != elements())
            throw new IllegalArgumentException(v.length + " elements, the layout needs " + elements() + " (" + matrices + " × " + rows + " × " + cols + ")");
        float[] out = new float[v.length];
        move(MemorySegment.ofArray(v), MemorySegment.ofArray(out), Float.BYTES, forward);
        return out;
    }

    /** {@code src} (the user's layout) into {@code dst} (this one), elements of {@code bytes} bytes (the dtype's storage). */
    public void apply(MemorySegment src, MemorySegment dst, int bytes) {
        move(src, dst, bytes, true);
    }

    /** {@code src} (this layout) into {@code dst} (the user's). */
    public void undo(MemorySegment src, MemorySegment dst, int bytes) {
        move(src, dst, bytes, false);
    }

    private void move(MemorySegment src, MemorySegment dst, int bytes, boolean forward) {
        if (src.byteSize() < elements() * bytes || dst.byteSize() < elements() * bytes)
            throw new IllegalArgumentException("segments of " + src.byteSize() + " / " + dst.byteSize() + " B for " + elements() + " elements of " + bytes + " B");
        long per = (long) rows * cols;
        for (long m = 0; m < matrices; m++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    long given = (m * per + (long) r * cols + c) * bytes, at = (m * per + laid(r, c)) * bytes;
                    long from = forward ? given : at, to = forward ? at : given;
                    switch (bytes) {
                        case 2 -> dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, src.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
                        case 4 -> dst.set(ValueLayout.JAVA_INT_UNALIGNED, to, src.get(ValueLayout.JAVA_INT_UNALIGNED, from));
                        case 1 -> dst.set(ValueLayout.JAVA_BYTE, to, src.get(ValueLayout.JAVA_BYTE, from));
                        default -> throw new IllegalArgumentException("element size " + bytes + " B");
                    }
                }
    }

    /** k-major rows longer than this many bytes are cut into panels. */
    public static final int PLAIN_ROW_BYTES = 1024;

    /**
     * Rows per panel for a weight with {@code outputs} output rows of {@code bytes}-byte elements whose panels must
     * also divide {@code unit} (w13: I, so the up half starts a panel). Plain k-major (one panel) while a k-row is at
     * most {@link #PLAIN_ROW_BYTES}: a work-item's loads then step ≤ 1 KiB, which the prefetchers follow, and w13's gate
     * and up values of one k share a row (measured on PoCL, qwen3 /8's 384- and 512-byte rows: 1.1–1.3× faster at
     * T ≥ 128 than in panels of 64 or in gate and up halves). Longer rows step across a page per k or two (mixtral /16's
     * 3.5 KiB: GroupGEMM 1 at T = 1 1.3× faster in panels of 64), so they are cut into panels of 64, 32 or 16 (the
     * largest that divides {@code unit}; every vector width divides it, so no vector load crosses a panel), or stay
     * plain where none divides.
     */
    public static int panelFor(int outputs, int unit, int bytes) {
        if ((long) outputs * bytes <= PLAIN_ROW_BYTES) return outputs;
        for (int p : new int[] {64, 32, 16}) if (unit % p == 0) return p;
        return outputs;
    }
}

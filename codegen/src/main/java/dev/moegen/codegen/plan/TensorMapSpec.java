package dev.moegen.codegen.plan;

/**
 * A weight matrix as the TMA engine reads it: {@code rows} rows of {@code cols} elements of {@code elementBytes}
 * bytes, row-major and dense, read in boxes of {@code boxRows} × {@code boxCols} elements (one 128-byte swizzled
 * column block of a weight tile), with zeros past the edges. The CUDA session encodes it with
 * cuTensorMapEncodeTiled; the OpenCL emulation reads these numbers back (magic, then cols, rows, boxCols, boxRows as
 * 32-bit words) and checks them against the kernel's own.
 */
public record TensorMapSpec(BufferId weight, long rows, long cols, int boxRows, int boxCols, int elementBytes) {
    /** Bytes of a tensor map passed by value: CUDA's CUtensorMap. */
    public static final int BYTES = 128;
    /** The emulation's descriptor starts with this word ("MOEG"). */
    public static final int EMULATION_MAGIC = 0x4745_4f4d;

    public TensorMapSpec {
        if (rows < 1 || cols < 1 || boxRows < 1 || boxRows > 256 || boxCols < 1 || boxCols > 256)
            throw new IllegalArgumentException("tensor map of " + weight.id() + ": " + rows + " x " + cols + " in boxes of " + boxRows + " x " + boxCols
                    + ": dims must be >= 1 and box sides in [1, 256]");
        if (cols * elementBytes % 16 != 0) throw new IllegalArgumentException("tensor map of " + weight.id() + ": rows of " + cols * elementBytes
                + " bytes; TMA needs a multiple of 16");
    }

    /** Bytes one box moves. */
    public int boxBytes() {
        return boxRows * boxCols * elementBytes;
    }
}

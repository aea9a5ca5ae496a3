package dev.moegen.verify.npy;

import dev.moegen.dsl.types.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * NumPy .npy format version 1.0, C order, little-endian: fp32 (&lt;f4), fp16 (&lt;f2), bf16 as uint16
 * bits (&lt;u2, named bf16 in the bundle's meta.json), int32 (&lt;i4); int64 (&lt;i8) is read.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static void write(OutputStream out, NpyArray a) throws IOException {
        String descr = switch (a.dtype()) {
            case FP32 -> "<f4";
            case FP16 -> "<f2";
            case BF16 -> "<u2";
            case INT32 -> "<i4";
            case FP8_E4M3 -> throw new IllegalArgumentException("fp8-e4m3 has no .npy type; convert to fp32 first");
        };
        String shape = a.shape().length == 1 ? "(" + a.shape()[0] + ",)"
                : Arrays.stream(a.shape()).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        ByteBuffer pre = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(pre.array());
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        int n = Math.toIntExact(a.elements());
        ByteBuffer body = ByteBuffer.allocate(n * a.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (a.dtype()) {
                case FP32 -> body.putFloat(a.floats()[i]);
                case FP16 -> body.putShort(Float.floatToFloat16(a.floats()[i]));
                case BF16 -> body.putShort(DType.floatToBf16(a.floats()[i]));
                case INT32 -> body.putInt(a.ints()[i]);
                default -> throw new IllegalStateException();
            }
        }
        out.write(body.array());
    }

    public static void write(Path file, NpyArray a) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, a);
        }
    }

    /** Reads a .npy; {@code u2} data is taken as bf16 bits when {@code u2As} is BF16 (from meta.json). */
    public static NpyArray read(InputStream in, DType u2As) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) throw new IOException("not a .npy file (bad magic)");
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            headerLen = ByteBuffer.wrap(in.readNBytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else throw new IOException(".npy version " + major + " is not supported");
        if (headerLen <= 0 || headerLen > (1 << 20)) throw new IOException(".npy header length " + headerLen + " is not in [1, 1 MiB]: the file is damaged");
        String header = new String(in.readNBytes(headerLen), StandardCharsets.US_ASCII);
        String descr = group(DESCR, header, "descr");
        if (group(ORDER, header, "fortran_order").equals("True")) throw new IOException("Fortran-order .npy is not supported");
        String shapeText = group(SHAPE, header, "shape").trim();
        long[] shape;
        int width;
        try {
            shape = shapeText.isEmpty() ? new long[0]
                    : Arrays.stream(shapeText.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
            width = descr.length() < 3 ? -1 : Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw new IOException(".npy header is malformed (shape '" + shapeText + "', descr '" + descr + "')");
        }
        if (width < 1 || width > 8) throw new IOException(".npy dtype " + descr + " is not supported (fp32, fp16, bf16 as u2, int32, int64)");
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IOException(".npy shape " + Arrays.toString(shape) + " has a negative dimension");
            count = Math.multiplyExact(count, d);
        }
        if (count * width > Integer.MAX_VALUE - 16) throw new IOException(".npy holds " + count + " elements of " + width + " bytes: over 2 GiB, too large to read");
        int n = (int) count;
        if (descr.charAt(0) == '>' && width > 1) throw new IOException("big-endian .npy (" + descr + ") is not supported");
        ByteBuffer b = ByteBuffer.wrap(in.readNBytes(n * width)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < (long) n * width) throw new IOException(".npy data is truncated: want " + n * width + " bytes");
        String kind = descr.substring(1);
        return switch (kind) {
            case "f4" -> { float[] f = new float[n]; for (int i = 0; i < n; i++) f[i] = b.getFloat(); yield NpyArray.of(DType.FP32, f, shape); }
            case "f2" -> { float[] f = new float[n]; for (int i = 0; i < n; i++) f[i] = Float.float16ToFloat(b.getShort()); yield NpyArray.of(DType.FP16, f, shape); }
            case "u2" -> {
                if (u2As != DType.BF16) throw new IOException("uint16 .npy needs its dtype (bf16) named in meta.json");
                float[] f = new float[n]; for (int i = 0; i < n; i++) f[i] = DType.bf16ToFloat(b.getShort()); yield NpyArray.of(DType.BF16, f, shape);
            }
            case "i4" -> { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b.getInt(); yield NpyArray.ofInts(v, shape); }
            case "i8" -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = Math.toIntExact(b.getLong());
                yield NpyArray.ofInts(v, shape);
            }
            default -> throw new IOException(".npy dtype " + descr + " is not supported (fp32, fp16, bf16 as u2, int32, int64)");
        };
    }

    /** Reads a .npy file; a file that is not a valid .npy is an {@link IllegalArgumentException} naming the file and the problem. */
    public static NpyArray read(Path file, DType u2As) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, u2As);
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException | ArithmeticException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String group(Pattern p, String header, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IOException(".npy header lacks '" + key + "': " + header.trim());
        return m.group(1);
    }
}

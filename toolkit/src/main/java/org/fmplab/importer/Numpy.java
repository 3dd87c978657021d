package org.fmplab.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * NumPy's {@code .npy} (one array) and {@code .npz} (a zip of {@code NAME.npy}, stored or deflated)
 * read directly. Object arrays (pickled Python objects) and Fortran order are refused.
 */
public final class Numpy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Numpy() { }

    /** Every array of an {@code .npz}, named by its entry without ".npy", in archive order. */
    public static Map<String, Tensor> readNpz(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) continue;
                if (!e.getName().endsWith(".npy")) {
                    throw new WeightsFormatException(file + ": entry '" + e.getName() + "' is not a .npy array");
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                out.put(name, readNpy(bytes, name, file + ": entry '" + e.getName() + "'"));
            }
        } catch (java.util.zip.ZipException e) {
            throw new WeightsFormatException(file + ": not a valid .npz (zip) archive, truncated or corrupted: " + e.getMessage());
        } catch (IOException e) {
            throw new WeightsFormatException(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    /** Parses one {@code .npy} array; {@code where} prefixes error messages. */
    public static Tensor readNpy(byte[] b, String name, String where) {
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) {
            throw new WeightsFormatException(where + ": not a .npy array (no \\x93NUMPY magic at byte 0)");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new WeightsFormatException(where + ": truncated in the header length at byte 8");
            headerLen = buf.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new WeightsFormatException(where + ": .npy version " + major + " at byte 6 is not supported (1, 2 or 3)");
        }
        if (start + headerLen > b.length) {
            throw new WeightsFormatException(where + ": header ends at byte " + (start + headerLen) + " but the array has "
                    + b.length + " bytes (truncated)");
        }
        String header = new String(b, start, (int) headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr", where);
        if (group(FORTRAN, header, "fortran_order", where).equals("True")) {
            throw new WeightsFormatException(where + ": Fortran-order arrays are not supported (save np.ascontiguousarray(a))");
        }
        long[] shape = parseShape(group(SHAPE, header, "shape", where), where);
        String dtype = dtype(descr, where);
        long count = 1;
        for (long d : shape) count = Math.multiplyExact(count, d);
        long dataStart = start + headerLen;
        long need = count * Tensor.itemSize(dtype);
        if (dataStart + need > b.length) {
            throw new WeightsFormatException(where + ": data of " + need + " bytes would end at byte " + (dataStart + need)
                    + " but the array has " + b.length + " bytes (truncated)");
        }
        if (dataStart + need < b.length) {
            throw new WeightsFormatException(where + ": " + (b.length - dataStart - need) + " bytes after the data (from byte "
                    + (dataStart + need) + ") do not belong to shape " + java.util.Arrays.toString(shape));
        }
        ByteBuffer data = ByteBuffer.wrap(b, (int) dataStart, (int) need).slice()
                .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] values = descr.charAt(0) == '>' ? bigEndianFloats(dtype, data, (int) count) : Tensor.toFloats(dtype, data, (int) count);
        return new Tensor(name, dtype, shape, values);
    }

    private static float[] bigEndianFloats(String dtype, ByteBuffer be, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case "F32" -> out[i] = be.getFloat(4 * i);
                case "F64" -> out[i] = (float) be.getDouble(8 * i);
                case "F16" -> out[i] = Tensor.halfToFloat(be.getShort(2 * i));
                default -> {
                    return null;
                }
            }
        }
        return out;
    }

    private static String group(Pattern p, String header, String key, String where) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new WeightsFormatException(where + ": malformed .npy header (no '" + key + "'): " + header.strip());
        return m.group(1);
    }

    private static long[] parseShape(String s, String where) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.strip();
            if (t.isEmpty()) continue;
            try {
                long d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                if (d < 0) throw new NumberFormatException();
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new WeightsFormatException(where + ": malformed .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** NumPy type string → safetensors dtype name; object arrays ('O', pickled) are refused. */
    private static String dtype(String descr, String where) {
        String d = descr.length() < 2 || "<>|=".indexOf(descr.charAt(0)) < 0 ? null : switch (descr.substring(1)) {
            case "f4" -> "F32";
            case "f8" -> "F64";
            case "f2" -> "F16";
            case "i8" -> "I64";
            case "i4" -> "I32";
            case "i2" -> "I16";
            case "i1" -> "I8";
            case "u1" -> "U8";
            case "b1" -> "BOOL";
            default -> null;
        };
        if (d == null) {
            throw new WeightsFormatException(where + ": dtype '" + descr + "' is not supported"
                    + (descr.contains("O") ? " (object arrays hold pickled Python objects; never loaded)" : ""));
        }
        return d;
    }
}

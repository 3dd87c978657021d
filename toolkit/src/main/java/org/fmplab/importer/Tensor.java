package org.fmplab.importer;

import java.util.Arrays;

/**
 * One named tensor of a weights file, C order.
 *
 * @param name   the state_dict key, e.g. {@code layer1.0.bn1.running_var}
 * @param dtype  safetensors' dtype name (F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)
 * @param shape  dimensions ([] for a scalar)
 * @param values the values as floats for floating-point dtypes, null for integer and boolean ones
 */
public record Tensor(String name, String dtype, long[] shape, float[] values) {
    /** Floating-point dtypes: the ones parameters may have. */
    public static boolean isFloating(String dtype) {
        return switch (dtype) {
            case "F32", "F64", "F16", "BF16" -> true;
            default -> false;
        };
    }

    /** Bytes per element of a dtype, or -1 for an unknown one. */
    static int itemSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> -1;
        };
    }

    /** Number of elements (1 for a scalar). */
    public long size() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Converts little-endian raw elements of a floating dtype to floats (null for other dtypes). */
    static float[] toFloats(String dtype, java.nio.ByteBuffer le, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case "F32" -> le.asFloatBuffer().get(out);
            case "F64" -> {
                for (int i = 0; i < n; i++) out[i] = (float) le.getDouble(le.position() + 8 * i);
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) out[i] = halfToFloat(le.getShort(le.position() + 2 * i));
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((le.getShort(le.position() + 2 * i) & 0xffff) << 16);
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    /** IEEE 754 binary16 → float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp != 0) return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        float sub = mant * 0x1p-24f; // subnormal (or zero)
        return sign == 0 ? sub : -sub;
    }
}

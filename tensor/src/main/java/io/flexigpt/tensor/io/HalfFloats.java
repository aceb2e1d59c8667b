package io.flexigpt.tensor.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * IEEE binary16 (F16) and bfloat16 (BF16) conversions to and from fp32. Widening is exact; narrowing rounds
 * to nearest, ties to even, overflows to infinity, keeps subnormals, and keeps NaN a (quiet) NaN.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** The exact fp32 value of the F16 bit pattern {@code h}. */
    public static float f16ToF32(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1F, mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The F16 bit pattern nearest to {@code f}. */
    public static short f32ToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF, mant = bits & 0x7FFFFF;
        if (exp == 0xFF) return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        float abs = Math.abs(f);
        if (abs >= 65520f) return (short) (sign | 0x7C00);
        if (abs < 0x1p-14f) {
            // subnormal half: value = m * 2^-24, round to nearest even
            int m = (int) Math.rint(abs * 0x1p24f); // exact scaling; rint rounds ties to even
            return (short) (sign | m);
        }
        int e = exp - 112;
        int m = mant >>> 13, rest = mant & 0x1FFF;
        int h = (e << 10) | m;
        if (rest > 0x1000 || (rest == 0x1000 && (m & 1) == 1)) h++;
        return (short) (sign | h);
    }

    /** The exact fp32 value of the BF16 bit pattern {@code b}. */
    public static float bf16ToF32(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** The BF16 bit pattern nearest to {@code f}. */
    public static short f32ToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x7FFFFF) != 0) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Decodes {@code n} little-endian F16 values from the buffer's position (left unchanged) into {@code dst[from..]}. */
    static void decodeF16(ByteBuffer src, float[] dst, int from, int n) {
        ShortBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        for (int i = 0; i < n; i++) dst[from + i] = f16ToF32(b.get(i));
    }

    /** Decodes {@code n} little-endian BF16 values from the buffer's position (left unchanged) into {@code dst[from..]}. */
    static void decodeBf16(ByteBuffer src, float[] dst, int from, int n) {
        ShortBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        for (int i = 0; i < n; i++) dst[from + i] = bf16ToF32(b.get(i));
    }
}

package io.flexigpt.tensor.io;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class HalfFloatsTest {

    @Test
    void everyHalfAndBfloatRoundTripsExactly() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToF32((short) h);
            if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0) {
                assertTrue(Float.isNaN(f), "f16 NaN bits " + h);
                assertTrue(Float.isNaN(HalfFloats.f16ToF32(HalfFloats.f32ToF16(f))), "f16 NaN bits " + h);
            } else {
                assertEquals((short) h, HalfFloats.f32ToF16(f), "f16 bits " + h);
            }
            float b = HalfFloats.bf16ToF32((short) h);
            if ((h & 0x7F80) == 0x7F80 && (h & 0x7F) != 0) {
                assertTrue(Float.isNaN(b), "bf16 NaN bits " + h);
                assertTrue(Float.isNaN(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(b))), "bf16 NaN bits " + h);
            } else {
                assertEquals((short) h, HalfFloats.f32ToBf16(b), "bf16 bits " + h);
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(65504f, HalfFloats.f16ToF32((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToF32((short) 0x0001));
        assertEquals(-2f, HalfFloats.f16ToF32((short) 0xC000));
        assertEquals((short) 0x7C00, HalfFloats.f32ToF16(65520f)); // tie between 65504 and 65536: even is infinity
        assertEquals((short) 0x7BFF, HalfFloats.f32ToF16(65519.996f));
        assertEquals((short) 0x0000, HalfFloats.f32ToF16(0x1p-25f)); // tie between 0 and the least subnormal
        assertEquals((short) 0x8000, HalfFloats.f32ToF16(-0f));
        assertEquals((short) 0x3F80, HalfFloats.f32ToBf16(1f));
        assertEquals((short) 0x7F80, HalfFloats.f32ToBf16(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, HalfFloats.f32ToBf16(Float.NEGATIVE_INFINITY));
    }

    /** Floats drawn uniformly over bit patterns, so every exponent (subnormal, overflow) is covered. */
    static Gen<Float> anyFiniteFloat() {
        return integers().all().map(Float::intBitsToFloat).assuming(Float::isFinite);
    }

    @Test
    void f16IsTheNearestValueTiesToEven() {
        qt(300).forAll(anyFiniteFloat()).checkAssert(f -> {
            assertNearestEven(f, HalfFloats.f32ToF16(f), 0x7C00, 65536.0, true);
        });
    }

    @Test
    void bf16IsTheNearestValueTiesToEven() {
        qt(300).forAll(anyFiniteFloat()).checkAssert(f -> {
            assertNearestEven(f, HalfFloats.f32ToBf16(f), 0x7F80, 0x1p128, false);
        });
    }

    /** Values exactly halfway between two neighbours must go to the one with an even bit pattern. */
    @Test
    void exactTiesGoToEven() {
        qt(300).forAll(magnitudes16(), booleans().all()).checkAssert((h, negative) -> {
            int sign = negative ? 0x8000 : 0;
            float tie16 = (float) ((value(h, 0x7C00, 65536.0, true) + value(h + 1, 0x7C00, 65536.0, true)) / 2);
            assertEquals(sign | ((h & 1) == 0 ? h : h + 1), HalfFloats.f32ToF16(negative ? -tie16 : tie16) & 0xFFFF);
            int b = h & 0x7F7F;
            float tieBf = (float) ((value(b, 0x7F80, 0x1p128, false) + value(b + 1, 0x7F80, 0x1p128, false)) / 2);
            assertEquals(sign | ((b & 1) == 0 ? b : b + 1), HalfFloats.f32ToBf16(negative ? -tieBf : tieBf) & 0xFFFF);
        });
    }

    static Gen<Integer> magnitudes16() {
        return integers().between(0, 0x7BFF);
    }

    @Test
    void bulkDecodingReadsLittleEndianFromThePosition() {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 9)
                .put((byte) 0x00)
                .put((byte) 0x3C)
                .put((byte) 0x00)
                .put((byte) 0xC0)
                .put((byte) 0x80)
                .put((byte) 0x3F);
        float[] out = new float[3];
        b.position(1);
        HalfFloats.decodeF16(b, out, 1, 2);
        assertArrayEquals(new float[] {0f, 1f, -2f}, out);
        assertEquals(1, b.position());
        b.position(3);
        HalfFloats.decodeBf16(b, out, 0, 2);
        assertArrayEquals(new float[] {-2f, 1f, -2f}, out);
    }

    private static void assertNearestEven(float f, short result, int infBits, double beyondMax, boolean f16) {
        assertEquals(Float.floatToRawIntBits(f) < 0, (result & 0x8000) != 0, "sign of " + f);
        int m = result & 0x7FFF;
        assertTrue(m <= infBits, f + " became NaN");
        double a = Math.abs((double) f), err = Math.abs(value(m, infBits, beyondMax, f16) - a);
        if (m > 0) assertNearerOrEvenTie(a, err, m, m - 1, infBits, beyondMax, f16, f);
        if (m < infBits) assertNearerOrEvenTie(a, err, m, m + 1, infBits, beyondMax, f16, f);
    }

    private static void assertNearerOrEvenTie(
            double a, double err, int m, int other, int infBits, double beyondMax, boolean f16, float f) {
        double otherErr = Math.abs(value(other, infBits, beyondMax, f16) - a);
        assertTrue(
                err <= otherErr,
                f + " -> bits " + Integer.toHexString(m) + " but " + Integer.toHexString(other) + " is nearer");
        if (err == otherErr) assertEquals(0, m & 1, "tie for " + f + " must go to even");
    }

    /** The magnitude of a non-negative bit pattern, with infinity standing for the next power of two past the maximum. */
    private static double value(int bits, int infBits, double beyondMax, boolean f16) {
        if (bits == infBits) return beyondMax;
        return f16 ? HalfFloats.f16ToF32((short) bits) : HalfFloats.bf16ToF32((short) bits);
    }
}

package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void everyHalfAndBfloatRoundTripsExactly() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToF32((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.f16ToF32(HalfFloats.f32ToF16(f))));
            } else {
                assertEquals((short) h, HalfFloats.f32ToF16(f), "f16 bits " + h);
            }
            float b = HalfFloats.bf16ToF32((short) h);
            if (!Float.isNaN(b)) assertEquals((short) h, HalfFloats.f32ToBf16(b), "bf16 bits " + h);
        }
    }

    @Property(tries = 3000)
    void conversionPicksTheNearestValueTiesToEven(@ForAll float f) {
        Assume.that(!Float.isNaN(f) && Math.abs(f) < 65504f);
        short h = HalfFloats.f32ToF16(f);
        double got = HalfFloats.f16ToF32(h);
        double below = HalfFloats.f16ToF32((short) (h - 1)), above = HalfFloats.f16ToF32((short) (h + 1));
        double err = Math.abs(got - f);
        if ((h & 0x7FFF) != 0 && (h & 0x7FFF) != 0x7BFF) {
            assertTrue(err <= Math.abs(below - f) && err <= Math.abs(above - f), f + " -> " + got);
            if (err == Math.abs(below - f) || err == Math.abs(above - f)) assertEquals(0, h & 1, "tie to even for " + f);
        }
        short b = HalfFloats.f32ToBf16(f);
        double bg = HalfFloats.bf16ToF32(b);
        assertTrue(Math.abs(bg - f) <= Math.abs(f) * 0x1p-8 + 1e-45, f + " -> bf16 " + bg);
    }
}

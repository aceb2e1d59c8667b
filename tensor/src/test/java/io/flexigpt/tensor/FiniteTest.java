package io.flexigpt.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** {@link Tensor#isFinite()} finds a single NaN or infinity anywhere, in fp32 and fp64, in views too. */
class FiniteTest {
    @Test
    void findsEveryKindOfNonFiniteElement() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (int at = 0; at < 37; at += 6) {
                float[] f = new float[37];
                double[] d = new double[37];
                for (int i = 0; i < 37; i++) f[i] = (float) (d[i] = Float.MAX_VALUE * (i % 2 == 0 ? 1 : -0.5));
                assertTrue(Tensor.of(f, 37).isFinite());
                assertTrue(Tensor.ofDouble(d, 37).isFinite());
                f[at] = (float) bad;
                d[at] = bad;
                assertFalse(Tensor.of(f, 37).isFinite(), bad + " at " + at);
                assertFalse(Tensor.ofDouble(d, 37).isFinite(), bad + " at " + at);
            }
        }
    }

    @Test
    void fp64ValuesWhoseSumOverflowsAreStillFinite() {
        assertTrue(Tensor.ofDouble(new double[] {Double.MAX_VALUE, Double.MAX_VALUE}, 2)
                .isFinite());
    }
}

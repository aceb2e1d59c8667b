package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.testing.TensorGens;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Products with a 16-bit matrix equal, bit for bit, the fp32 products with its exact widening. */
class HalfMatrixTest {

    /** A matrix of finite BF16 (even seed) or F16 (odd seed) values, some of them subnormal, zero or negative zero. */
    static HalfMatrix randomHalf(long seed, int rows, int cols) {
        Random r = new Random(seed);
        boolean bf16 = (seed & 1) == 0;
        short[] bits = new short[rows * cols];
        for (int i = 0; i < bits.length; i++) {
            float v;
            switch (r.nextInt(8)) {
                case 0: v = 0f; break;
                case 1: v = -0f; break;
                case 2: v = (float) (r.nextGaussian() * (bf16 ? 1e-39 : 3e-6)); break; // subnormal range
                default: v = (float) (r.nextGaussian() * 0.5);
            }
            bits[i] = bf16 ? HalfFloats.f32ToBf16(v) : HalfFloats.f32ToF16(v);
        }
        return bf16 ? HalfMatrix.bf16(bits, rows, cols) : HalfMatrix.f16(bits, rows, cols);
    }

    static void assertBitIdentical(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                throw new AssertionError("element " + i + " of " + e.length + ": expected " + e[i] + " got " + a[i]);
            }
        }
    }

    @Test
    void forwardAndBackwardProductsAreTheWidenedProducts() {
        // rows of x up to 40 (single row, partial and full micro-tiles), reductions past one 384-block, 0 included
        qt(150).forAll(integers().between(1, 40), integers().between(0, 900), integers().between(1, 150), longs().all())
                .checkAssert((m, k, n, seed) -> {
                    HalfMatrix w = randomHalf(seed, n, k);
                    Tensor wide = w.toF32();
                    Tensor x = TensorGens.random(seed + 1, m, k);
                    assertBitIdentical(x.matmul(wide.t()), w.multiplyByTranspose(x));
                    Tensor dy = TensorGens.random(seed + 2, m, n);
                    assertBitIdentical(dy.matmul(wide), w.multiply(dy));
                });
    }

    @Test
    void bothKernelsGiveTheWidenedProductForEveryLayoutAndAccumulation() {
        qt(120).forAll(integers().between(1, 30), integers().between(1, 500), integers().between(1, 90), longs().all())
                .checkAssert((m, k, n, seed) -> {
                    boolean ta = (seed & 2) != 0, tb = (seed & 4) != 0, accumulate = (seed & 8) != 0;
                    HalfMatrix w = randomHalf(seed, tb ? n : k, tb ? k : n);
                    float[] wide = w.toF32().toFloatArray();
                    short[] bits = new short[wide.length];
                    for (int i = 0; i < bits.length; i++) bits[i] = w.bitsAt(i / w.cols(), i % w.cols());
                    float[] a = TensorGens.random(seed + 1, ta ? k : m, ta ? m : k).toFloatArray();
                    float[] start = TensorGens.random(seed + 2, m, n).toFloatArray();
                    for (GemmKernel kern : new GemmKernel[] {GemmKernels.SCALAR, GemmKernels.BEST}) {
                        float[] expected = start.clone(), actual = start.clone();
                        GemmDriver.sgemm(kern, ta, tb, m, n, k, a, 0, ta ? m : k, wide, 0, w.cols(), expected, 0, n, accumulate);
                        GemmDriver.sgemmHalfB(kern, ta, tb, m, n, k, a, 0, ta ? m : k, bits, w.isBf16(), 0, w.cols(), actual, 0, n, accumulate);
                        assertBitIdentical(Tensor.of(expected, m, n), Tensor.of(actual, m, n));
                    }
                });
    }

    @Test
    void batchedInputsAreTheWidenedProducts() {
        qt(40).forAll(integers().between(1, 3), integers().between(1, 9), integers().between(1, 300), longs().all())
                .checkAssert((batch, time, k, seed) -> {
                    int n = 1 + (int) Math.floorMod(seed, 97L);
                    HalfMatrix w = randomHalf(seed, n, k);
                    Tensor x = TensorGens.random(seed + 1, batch, time, k);
                    assertBitIdentical(x.matmul(w.toF32().t()), w.multiplyByTranspose(x));
                    Tensor dy = TensorGens.random(seed + 2, batch, time, n);
                    assertBitIdentical(dy.matmul(w.toF32()), w.multiply(dy));
                });
    }

    @Test
    void largeProductsSplitAcrossThreadsAreTheWidenedProducts() {
        // past the parallel threshold: one decoded row against a wide matrix, and a many-row block
        for (long seed = 0; seed < 2; seed++) { // one BF16, one F16
            HalfMatrix w = randomHalf(seed, 1000, 700);
            Tensor wide = w.toF32();
            for (int m : new int[] {1, 37}) {
                Tensor x = TensorGens.random(seed + 10, m, 700);
                assertBitIdentical(x.matmul(wide.t()), w.multiplyByTranspose(x));
                Tensor dy = TensorGens.random(seed + 20, m, 1000);
                assertBitIdentical(dy.matmul(wide), w.multiply(dy));
            }
        }
    }

    @Test
    void widensExactlyAndRejectsWrongShapes() {
        short[] bits = {HalfFloats.f32ToBf16(1.5f), HalfFloats.f32ToBf16(-2f), 0, (short) 0x8000, 1, 2};
        HalfMatrix w = HalfMatrix.bf16(bits, 2, 3);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(Float.floatToRawIntBits(HalfFloats.bf16ToF32(bits[i])), Float.floatToRawIntBits(w.get(i / 3, i % 3)));
            assertEquals(w.get(i / 3, i % 3), w.toF32().get(i / 3, i % 3));
        }
        assertEquals(12, w.storageBytes());
        assertThrows(ShapeException.class, () -> HalfMatrix.f16(new short[5], 2, 3));
        ShapeException e = assertThrows(ShapeException.class, () -> w.multiplyByTranspose(Tensor.zeros(4, 2)));
        assertEquals(true, e.getMessage().contains("last axis of 3"), e.getMessage());
        assertThrows(ShapeException.class, () -> w.multiply(Tensor.zeros(4, 3)));
        assertThrows(IndexOutOfBoundsException.class, () -> w.get(2, 0));
    }

    @Test
    void fp64InputsUseTheExplicitWidening() {
        HalfMatrix w = randomHalf(3, 5, 7);
        Tensor x = TensorGens.random(4, 2, 7).to(DType.F64);
        Tensor y = w.multiplyByTranspose(x);
        assertEquals(DType.F64, y.dtype());
        assertBitIdentical(x.matmul(w.toF32().to(DType.F64).t()), y);
    }
}

package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.testing.TensorGens;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A 16-bit tensor computes as its exact fp32 widening: products with it equal the fp32 products bit for bit,
 * every other op gives the result of the widened tensor, and nothing writes into it.
 */
class HalfTensorTest {

    /** A matrix of finite BF16 (even seed) or F16 (odd seed) values, some of them subnormal, zero or negative zero. */
    static Tensor randomHalf(long seed, int rows, int cols) {
        Random r = new Random(seed);
        boolean bf16 = (seed & 1) == 0;
        short[] bits = new short[rows * cols];
        for (int i = 0; i < bits.length; i++) {
            float v;
            switch (r.nextInt(8)) {
                case 0:
                    v = 0f;
                    break;
                case 1:
                    v = -0f;
                    break;
                case 2:
                    v = (float) (r.nextGaussian() * (bf16 ? 1e-39 : 3e-6));
                    break; // subnormal range
                default:
                    v = (float) (r.nextGaussian() * 0.5);
            }
            bits[i] = bf16 ? HalfFloats.f32ToBf16(v) : HalfFloats.f32ToF16(v);
        }
        return Tensor.ofHalf(bits, bf16 ? DType.BF16 : DType.F16, rows, cols);
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
        qt(150).forAll(
                        integers().between(1, 40),
                        integers().between(0, 900),
                        integers().between(1, 150),
                        longs().all())
                .checkAssert((m, k, n, seed) -> {
                    Tensor w = randomHalf(seed, n, k);
                    Tensor wide = w.to(DType.F32);
                    Tensor x = TensorGens.random(seed + 1, m, k);
                    assertBitIdentical(x.matmul(wide.t()), x.matmul(w.t()));
                    Tensor dy = TensorGens.random(seed + 2, m, n);
                    assertBitIdentical(dy.matmul(wide), dy.matmul(w));
                });
    }

    @Test
    void bothKernelsGiveTheWidenedProductForEveryLayoutAndAccumulation() {
        qt(120).forAll(
                        integers().between(1, 30),
                        integers().between(1, 500),
                        integers().between(1, 90),
                        longs().all())
                .checkAssert((m, k, n, seed) -> {
                    boolean ta = (seed & 2) != 0, tb = (seed & 4) != 0, accumulate = (seed & 8) != 0;
                    Tensor w = randomHalf(seed, tb ? n : k, tb ? k : n);
                    float[] wide = w.to(DType.F32).toFloatArray();
                    short[] bits = new short[wide.length];
                    System.arraycopy(w.h, 0, bits, 0, bits.length);
                    float[] a =
                            TensorGens.random(seed + 1, ta ? k : m, ta ? m : k).toFloatArray();
                    float[] start = TensorGens.random(seed + 2, m, n).toFloatArray();
                    for (GemmKernel kern : new GemmKernel[] {GemmKernels.SCALAR, GemmKernels.BEST}) {
                        float[] expected = start.clone(), actual = start.clone();
                        GemmDriver.sgemm(
                                kern, ta, tb, m, n, k, a, 0, ta ? m : k, wide, 0, w.dim(1), expected, 0, n, accumulate);
                        GemmDriver.sgemmHalfB(
                                kern,
                                ta,
                                tb,
                                m,
                                n,
                                k,
                                a,
                                0,
                                ta ? m : k,
                                bits,
                                w.dtype() == DType.BF16,
                                0,
                                w.dim(1),
                                actual,
                                0,
                                n,
                                accumulate);
                        assertBitIdentical(Tensor.of(expected, m, n), Tensor.of(actual, m, n));
                    }
                });
    }

    @Test
    void batchedInputsAreTheWidenedProducts() {
        qt(40).forAll(
                        integers().between(1, 3),
                        integers().between(1, 9),
                        integers().between(1, 300),
                        longs().all())
                .checkAssert((batch, time, k, seed) -> {
                    int n = 1 + (int) Math.floorMod(seed, 97L);
                    Tensor w = randomHalf(seed, n, k);
                    Tensor x = TensorGens.random(seed + 1, batch, time, k);
                    assertBitIdentical(x.matmul(w.to(DType.F32).t()), x.matmul(w.t()));
                    Tensor dy = TensorGens.random(seed + 2, batch, time, n);
                    assertBitIdentical(dy.matmul(w.to(DType.F32)), dy.matmul(w));
                });
    }

    @Test
    void largeProductsSplitAcrossThreadsAreTheWidenedProducts() {
        // past the parallel threshold: one decoded row against a wide matrix, and a many-row block
        for (long seed = 0; seed < 2; seed++) { // one BF16, one F16
            Tensor w = randomHalf(seed, 1000, 700);
            Tensor wide = w.to(DType.F32);
            for (int m : new int[] {1, 37}) {
                Tensor x = TensorGens.random(seed + 10, m, 700);
                assertBitIdentical(x.matmul(wide.t()), x.matmul(w.t()));
                Tensor dy = TensorGens.random(seed + 20, m, 1000);
                assertBitIdentical(dy.matmul(wide), dy.matmul(w));
            }
        }
    }

    @Test
    void widensExactlyAndRejectsWrongShapes() {
        short[] bits = {HalfFloats.f32ToBf16(1.5f), HalfFloats.f32ToBf16(-2f), 0, (short) 0x8000, 1, 2};
        Tensor w = Tensor.ofHalf(bits, DType.BF16, 2, 3);
        assertEquals(DType.BF16, w.dtype());
        for (int i = 0; i < bits.length; i++) {
            assertEquals(Float.floatToRawIntBits(HalfFloats.bf16ToF32(bits[i])), Float.floatToRawIntBits((float)
                    w.get(i / 3, i % 3)));
            assertEquals(w.get(i / 3, i % 3), w.to(DType.F32).get(i / 3, i % 3));
        }
        assertEquals(12, w.storageBytes());
        assertThrows(ShapeException.class, () -> Tensor.ofHalf(new short[5], DType.F16, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofHalf(new short[6], DType.F32, 2, 3));
        ShapeException e =
                assertThrows(ShapeException.class, () -> Tensor.zeros(4, 2).matmul(w.t()));
        assertTrue(e.getMessage().contains("inner dimensions"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> w.get(2, 0));
    }

    @Test
    void fp64InputsUseTheExactWidening() {
        Tensor w = randomHalf(3, 5, 7);
        Tensor x = TensorGens.random(4, 2, 7).to(DType.F64);
        Tensor y = x.matmul(w.t());
        assertEquals(DType.F64, y.dtype());
        assertBitIdentical(x.matmul(w.to(DType.F32).to(DType.F64).t()), y);
    }

    @Test
    void everyOtherOpGivesTheResultOfTheWidenedTensor() {
        qt(60).forAll(integers().between(1, 12), integers().between(1, 12), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    Tensor h = randomHalf(seed, rows, cols), w = h.to(DType.F32);
                    Tensor other = TensorGens.random(seed + 1, rows, cols);
                    assertBitIdentical(w.add(other), h.add(other));
                    assertBitIdentical(other.mul(w), other.mul(h));
                    assertBitIdentical(w.exp(), h.exp());
                    assertBitIdentical(w.mul(3.0), h.mul(3.0));
                    assertBitIdentical(w.softmax(-1), h.softmax(-1));
                    assertBitIdentical(w.sum(0, false), h.sum(0, false));
                    assertBitIdentical(w.rmsNorm(Tensor.ones(cols), 1e-5), h.rmsNorm(Tensor.ones(cols), 1e-5));
                    assertBitIdentical(Tensor.concat(0, w, other), Tensor.concat(0, h, other));
                    assertBitIdentical(w.t().contiguous(), h.t().contiguous().to(DType.F32));
                    assertEquals(h.dtype(), h.t().contiguous().dtype(), "a copy keeps 16 bits");
                    assertBitIdentical(
                            w.slice(0, rows / 2, rows).reshape(-1),
                            h.slice(0, rows / 2, rows).reshape(-1).to(DType.F32));
                    int[] picks = {rows - 1, 0, rows / 2};
                    Tensor rowsOfH = h.indexSelect(0, picks);
                    assertEquals(DType.F32, rowsOfH.dtype(), "selected rows (embedding lookups) come out in fp32");
                    assertBitIdentical(w.indexSelect(0, picks), rowsOfH);
                    assertArrayEquals(w.toFloatArray(), h.toFloatArray());
                    assertEquals(w.sum(), h.sum());
                    assertEquals(w.isFinite(), h.isFinite());
                });
    }

    @Test
    void narrowingRoundsToNearestEvenAndRoundTripsExactly() {
        qt(60).forAll(integers().between(1, 40), longs().all()).checkAssert((n, seed) -> {
            Tensor x = TensorGens.random(seed, n);
            for (DType half : new DType[] {DType.BF16, DType.F16}) {
                Tensor narrow = x.to(half);
                assertEquals(half, narrow.dtype());
                for (int i = 0; i < n; i++) {
                    float v = (float) x.get(i);
                    short expected = half == DType.BF16 ? HalfFloats.f32ToBf16(v) : HalfFloats.f32ToF16(v);
                    float widened = half == DType.BF16 ? HalfFloats.bf16ToF32(expected) : HalfFloats.f16ToF32(expected);
                    assertEquals(Float.floatToRawIntBits(widened), Float.floatToRawIntBits((float) narrow.get(i)));
                }
                assertBitIdentical(
                        narrow.to(DType.F32), narrow.to(DType.F32).to(half).to(DType.F32));
            }
        });
    }

    @Test
    void finitenessIsReadFromTheBits() {
        for (DType half : new DType[] {DType.BF16, DType.F16}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                Tensor x = Tensor.of(new float[] {1f, -2f, bad, 0.5f}, 2, 2);
                assertEquals(false, x.to(half).isFinite(), half + " " + bad);
                assertEquals(true, x.slice(0, 0, 1).to(half).isFinite(), half + " without " + bad);
            }
            assertEquals(
                    true, Tensor.of(new float[] {65504f, -1e-7f}, 2).to(half).isFinite(), half + " extremes");
        }
    }

    @Test
    void nothingWritesIntoA16BitTensor() {
        Tensor h = randomHalf(2, 3, 4);
        float[] before = h.toFloatArray();
        Tensor ones = Tensor.ones(3, 4);
        for (org.junit.jupiter.api.function.Executable write :
                java.util.List.<org.junit.jupiter.api.function.Executable>of(
                        () -> h.addInPlace(ones, 1.0),
                        () -> h.mulInPlace(2.0),
                        () -> h.fillInPlace(0.0),
                        () -> h.copyFromInPlace(ones),
                        () -> h.setInPlace(1.0, 0, 0),
                        () -> h.indexAddInPlace(0, new int[] {1}, Tensor.ones(1, 4)),
                        () -> OptimizerKernels.adamW(
                                h, ones, Tensor.zeros(3, 4), Tensor.zeros(3, 4), 1e-3, 0.9, 0.999, 1e-8, 0, 1, 1))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, write);
            assertTrue(e.getMessage().contains("read-only 16-bit"), e.getMessage());
        }
        assertArrayEquals(before, h.toFloatArray());
    }

    @Test
    void linearAlgebraSeesTheWidenedMatrix() {
        Tensor h = randomHalf(6, 9, 7);
        Tensor w = h.to(DType.F32);
        assertBitIdentical(Linalg.singularValues(w), Linalg.singularValues(h));
        assertEquals(Linalg.tailEnergy(w, 2), Linalg.tailEnergy(h, 2));
        TopSpectrum a = Linalg.topSpectrum(w, 2), b = Linalg.topSpectrum(h, 2);
        assertEquals(DType.F32, b.top().u().dtype());
        assertBitIdentical(a.top().s(), b.top().s());
    }
}

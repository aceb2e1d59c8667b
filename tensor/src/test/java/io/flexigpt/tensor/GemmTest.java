package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link Gemm#sgemm} against EJML on random shapes, layouts and both micro-kernels; the bit-level
 * guarantees (kernel-independent and thread-count-independent results); batching; fp64 reference.
 * fp32 results may differ from EJML by rounding: the tolerance is {@code k * max|a| * max|b| * 1e-6}.
 */
class GemmTest {
    private static final float SENTINEL = 1234.5f;

    /** One stored matrix: {@code rows x cols} at {@code off} with leading dimension {@code ld}, padding filled with a sentinel. */
    static final class Stored {
        final int rows, cols, off, ld;
        final float[] data;

        Stored(SplittableRandom rnd, int rows, int cols, int off, int pad) {
            this.rows = rows;
            this.cols = cols;
            this.off = off;
            this.ld = cols + pad;
            this.data = new float[off + rows * ld + 3];
            Arrays.fill(data, SENTINEL);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) data[off + i * ld + j] = (float) (rnd.nextDouble() * 2 - 1);
        }

        float get(int i, int j) {
            return data[off + i * ld + j];
        }

        FMatrixRMaj toEjml() {
            FMatrixRMaj m = new FMatrixRMaj(rows, cols);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m.set(i, j, get(i, j));
            return m;
        }

        boolean inside(int index) {
            int rel = index - off;
            return rel >= 0 && rel < rows * ld && rel % ld < cols;
        }
    }

    /** A random problem: stored operands and an output whose matrix region is random, the rest sentinel. */
    static final class Problem {
        final boolean ta, tb;
        final int m, n, k;
        final Stored a, b, c;

        Problem(long seed, int m, int n, int k, boolean ta, boolean tb) {
            SplittableRandom rnd = new SplittableRandom(seed);
            this.m = m;
            this.n = n;
            this.k = k;
            this.ta = ta;
            this.tb = tb;
            a = ta
                    ? new Stored(rnd, k, m, rnd.nextInt(4), rnd.nextInt(3))
                    : new Stored(rnd, m, k, rnd.nextInt(4), rnd.nextInt(3));
            b = tb
                    ? new Stored(rnd, n, k, rnd.nextInt(4), rnd.nextInt(3))
                    : new Stored(rnd, k, n, rnd.nextInt(4), rnd.nextInt(3));
            c = new Stored(rnd, m, n, rnd.nextInt(4), rnd.nextInt(3));
        }

        float[] run(GemmKernel kernel, boolean accumulate) {
            float[] out = c.data.clone();
            Gemm.sgemm(kernel, ta, tb, m, n, k, a.data, a.off, a.ld, b.data, b.off, b.ld, out, c.off, c.ld, accumulate);
            return out;
        }

        FMatrixRMaj reference() {
            FMatrixRMaj out = new FMatrixRMaj(m, n);
            FMatrixRMaj ea = a.toEjml(), eb = b.toEjml();
            if (ta && tb) CommonOps_FDRM.multTransAB(ea, eb, out);
            else if (ta) CommonOps_FDRM.multTransA(ea, eb, out);
            else if (tb) CommonOps_FDRM.multTransB(ea, eb, out);
            else CommonOps_FDRM.mult(ea, eb, out);
            return out;
        }

        void check(float[] out, boolean accumulate) {
            FMatrixRMaj ref = reference();
            double tol = Math.max(k, 1) * maxAbs(a) * maxAbs(b) * 1e-6 + 1e-7;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = ref.get(i, j) + (accumulate ? c.get(i, j) : 0);
                    assertEquals(expected, out[c.off + i * c.ld + j], tol, "C[" + i + "][" + j + "]");
                }
            }
            for (int x = 0; x < out.length; x++)
                if (!c.inside(x)) assertEquals(SENTINEL, out[x], "written outside C at " + x);
        }
    }

    static double maxAbs(Stored s) {
        double max = 0;
        for (int i = 0; i < s.rows; i++) for (int j = 0; j < s.cols; j++) max = Math.max(max, Math.abs(s.get(i, j)));
        return max;
    }

    static GemmKernel kernel(boolean scalar) {
        return scalar ? GemmKernels.SCALAR : GemmKernels.BEST;
    }

    @Test
    void smallProductsMatchEjml() {
        record Case(int m, int n, int k, boolean ta, boolean tb, boolean accumulate, boolean scalar, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 70).generate(in),
                integers().between(1, 70).generate(in),
                integers().between(1, 70).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(300).forAll(cases)
                .checkAssert(c -> smallProductsMatchEjml(
                        c.m(), c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.scalar(), c.seed()));
    }

    private void smallProductsMatchEjml(
            int m, int n, int k, boolean ta, boolean tb, boolean accumulate, boolean scalar, long seed) {
        Problem p = new Problem(seed, m, n, k, ta, tb);
        p.check(p.run(kernel(scalar), accumulate), accumulate);
    }

    /** Sizes that cross the reduction block (384) and the B panel width (336 columns with 16 lanes). */
    @Test
    void largerProductsAcrossBlockEdgesMatchEjml() {
        record Case(int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 300).generate(in),
                integers().between(1, 400).generate(in),
                integers().between(200, 600).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(30).forAll(cases)
                .checkAssert(c -> largerProductsAcrossBlockEdgesMatchEjml(
                        c.m(), c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.seed()));
    }

    private void largerProductsAcrossBlockEdgesMatchEjml(
            int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {
        Problem p = new Problem(seed, m, n, k, ta, tb);
        p.check(p.run(GemmKernels.BEST, accumulate), accumulate);
    }

    @Test
    void singleRowProductsMatchEjml() {
        record Case(int n, int k, boolean ta, boolean tb, boolean accumulate, boolean scalar, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 600).generate(in),
                integers().between(1, 600).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(c ->
                        singleRowProductsMatchEjml(c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.scalar(), c.seed()));
    }

    private void singleRowProductsMatchEjml(
            int n, int k, boolean ta, boolean tb, boolean accumulate, boolean scalar, long seed) {
        Problem p = new Problem(seed, 1, n, k, ta, tb);
        p.check(p.run(kernel(scalar), accumulate), accumulate);
    }

    /** Every path sums each element in the same order, so the vector and scalar kernels agree to the bit. */
    @Test
    void vectorAndScalarKernelsAgreeBitForBit() {
        record Case(int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 80).generate(in),
                integers().between(1, 80).generate(in),
                integers().between(1, 600).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(150).forAll(cases)
                .assuming(c -> !(c.m() == 1 && c.tb()))
                .checkAssert(c -> vectorAndScalarKernelsAgreeBitForBit(
                        c.m(), c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.seed()));
    }

    private void vectorAndScalarKernelsAgreeBitForBit(
            int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {
        Problem p = new Problem(seed, m, n, k, ta, tb);
        assertArrayEquals(p.run(GemmKernels.SCALAR, accumulate), p.run(GemmKernels.BEST, accumulate));
    }

    /** Dot products finished four at a time on whole vectors equal those finished one by one. */
    @Test
    void singleRowDotProductsDoNotDependOnTheirNeighbours() {
        qt(100).forAll(
                        integers().between(1, 40),
                        integers().between(1, 300),
                        booleans().all(),
                        longs().all())
                .checkAssert((n, k, accumulate, seed) -> {
                    Problem p = new Problem(seed, 1, n, k, false, true);
                    float[] together = p.run(GemmKernels.BEST, accumulate);
                    float[] single = p.c.data.clone();
                    for (int j = 0; j < n; j++) {
                        Gemm.sgemm(
                                false,
                                true,
                                1,
                                1,
                                k,
                                p.a.data,
                                p.a.off,
                                p.a.ld,
                                p.b.data,
                                p.b.off + j * p.b.ld,
                                p.b.ld,
                                single,
                                p.c.off + j,
                                1,
                                accumulate);
                    }
                    assertArrayEquals(together, single);
                });
    }

    /** The single-row path yields exactly the first row of a taller product. */
    @Test
    void singleRowEqualsFirstRowOfTallerProduct() {
        record Case(int m, int n, int k, boolean ta, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(2, 40).generate(in),
                integers().between(1, 300).generate(in),
                integers().between(1, 600).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(c -> singleRowEqualsFirstRowOfTallerProduct(c.m(), c.n(), c.k(), c.ta(), c.seed()));
    }

    private void singleRowEqualsFirstRowOfTallerProduct(int m, int n, int k, boolean ta, long seed) {
        Problem tall = new Problem(seed, m, n, k, ta, false);
        float[] full = tall.run(GemmKernels.BEST, false);
        float[] row = new float[n];
        Gemm.sgemm(
                ta,
                false,
                1,
                n,
                k,
                tall.a.data,
                tall.a.off,
                tall.a.ld,
                tall.b.data,
                tall.b.off,
                tall.b.ld,
                row,
                0,
                n,
                false);
        assertArrayEquals(Arrays.copyOfRange(full, tall.c.off, tall.c.off + n), row);
    }

    @Test
    void resultsAreBitIdenticalForOneAndTwoThreads() {
        record Case(int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 260).generate(in),
                integers().between(1, 400).generate(in),
                integers().between(60, 400).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(40).forAll(cases)
                .checkAssert(c -> resultsAreBitIdenticalForOneAndTwoThreads(
                        c.m(), c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.seed()));
    }

    private void resultsAreBitIdenticalForOneAndTwoThreads(
            int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {
        Problem p = new Problem(seed, m, n, k, ta, tb);
        int saved = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            float[] one = p.run(GemmKernels.BEST, accumulate);
            Parallelism.setThreads(2);
            float[] two = p.run(GemmKernels.BEST, accumulate);
            Parallelism.setThreads(3);
            float[] three = p.run(GemmKernels.BEST, accumulate);
            assertArrayEquals(one, two);
            assertArrayEquals(one, three);
        } finally {
            Parallelism.setThreads(saved);
        }
    }

    @Test
    void batchedEqualsLoopOfSingleProducts() {
        record Case(
                int batch,
                int m,
                int n,
                int k,
                boolean ta,
                boolean tb,
                boolean shareA,
                boolean shareB,
                boolean accumulate,
                boolean scalar,
                long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(0, 6).generate(in),
                integers().between(1, 40).generate(in),
                integers().between(1, 40).generate(in),
                integers().between(1, 40).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(c -> batchedEqualsLoopOfSingleProducts(
                        c.batch(),
                        c.m(),
                        c.n(),
                        c.k(),
                        c.ta(),
                        c.tb(),
                        c.shareA(),
                        c.shareB(),
                        c.accumulate(),
                        c.scalar(),
                        c.seed()));
    }

    private void batchedEqualsLoopOfSingleProducts(
            int batch,
            int m,
            int n,
            int k,
            boolean ta,
            boolean tb,
            boolean shareA,
            boolean shareB,
            boolean accumulate,
            boolean scalar,
            long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int lda = (ta ? m : k) + rnd.nextInt(3), ldb = (tb ? k : n) + rnd.nextInt(3), ldc = n + rnd.nextInt(3);
        int aStride = shareA ? 0 : (ta ? k : m) * lda + rnd.nextInt(3);
        int bStride = shareB ? 0 : (tb ? n : k) * ldb + rnd.nextInt(3);
        int cStride = m * ldc + rnd.nextInt(3);
        float[] a = randomArray(rnd, 2 + Math.max(batch, 1) * ((ta ? k : m) * lda + 2));
        float[] b = randomArray(rnd, 2 + Math.max(batch, 1) * ((tb ? n : k) * ldb + 2));
        float[] c = randomArray(rnd, 2 + Math.max(batch, 1) * (m * ldc + 2));
        float[] expected = c.clone(), actual = c.clone();
        GemmKernel kern = kernel(scalar);
        for (int i = 0; i < batch; i++) {
            Gemm.sgemm(
                    kern,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    a,
                    1 + i * aStride,
                    lda,
                    b,
                    2 + i * bStride,
                    ldb,
                    expected,
                    1 + i * cStride,
                    ldc,
                    accumulate);
        }
        Gemm.sgemmBatched(
                kern,
                batch,
                ta,
                tb,
                m,
                n,
                k,
                a,
                1,
                lda,
                aStride,
                b,
                2,
                ldb,
                bStride,
                actual,
                1,
                ldc,
                cStride,
                accumulate);
        assertArrayEquals(expected, actual);
    }

    @Test
    void dgemmMatchesNaiveProduct() {
        record Case(int batch, int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 4).generate(in),
                integers().between(1, 12).generate(in),
                integers().between(1, 12).generate(in),
                integers().between(1, 12).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(c -> dgemmMatchesNaiveProduct(
                        c.batch(), c.m(), c.n(), c.k(), c.ta(), c.tb(), c.accumulate(), c.seed()));
    }

    private void dgemmMatchesNaiveProduct(
            int batch, int m, int n, int k, boolean ta, boolean tb, boolean accumulate, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1, off = 3;
        int aStride = (ta ? k : m) * lda, bStride = (tb ? n : k) * ldb, cStride = m * ldc;
        double[] a = randomDoubles(rnd, off + batch * aStride), b = randomDoubles(rnd, off + batch * bStride);
        double[] c = randomDoubles(rnd, off + batch * cStride), out = c.clone();
        Gemm.dgemmBatched(
                batch, ta, tb, m, n, k, a, off, lda, aStride, b, off, ldb, bStride, out, off, ldc, cStride, accumulate);
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? a[off + t * aStride + p * lda + i] : a[off + t * aStride + i * lda + p];
                        double bv = tb ? b[off + t * bStride + j * ldb + p] : b[off + t * bStride + p * ldb + j];
                        s += av * bv;
                    }
                    int at = off + t * cStride + i * ldc + j;
                    assertEquals((accumulate ? c[at] : 0) + s, out[at], 1e-12 * (k + 1));
                }
            }
        }
    }

    @Test
    void theVectorKernelIsChosenWhenTheVectorApiIsPresent() {
        assertEquals(VectorSupport.AVAILABLE, GemmKernels.BEST != GemmKernels.SCALAR);
    }

    @Test
    void emptyReductionZeroesOrKeepsTheOutput() {
        float[] c = {1, 2, 3, 4, 5, 6, 7};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 1, 3, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, c);
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 1, 3, false);
        assertArrayEquals(new float[] {1, 0, 0, 4, 0, 0, 7}, c);
    }

    @Test
    void badLayoutsAreRejectedWithTheOperandNamed() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        IllegalArgumentException ld = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, a, 0, 2, b, 0, 2, c, 0, 2, false));
        assertTrue(ld.getMessage().contains("leading dimension of A"), ld.getMessage());
        IndexOutOfBoundsException oob = assertThrows(
                IndexOutOfBoundsException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 1, 2, c, 0, 2, false));
        assertTrue(oob.getMessage().contains("B"), oob.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> Gemm.sgemmBatched(2, false, false, 2, 2, 3, a, 0, 3, 0, b, 0, 2, 0, c, 0, 2, 4, false));
    }

    static float[] randomArray(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    static double[] randomDoubles(SplittableRandom rnd, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextDouble() * 2 - 1;
        return x;
    }
}

package io.flexigpt.tensor;

import static io.flexigpt.tensor.LinalgTestSupport.*;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Thin QR and linear solves. Tolerances: QR in fp32 to 1e-5 (orthonormality) and 1e-4 (Q R = A, entries
 * of A in [-1, 1]); solves on diagonally dominant systems to 1e-9 relative residual in fp64 and 1e-4 in fp32.
 */
class LinalgQrSolveTest {

    @Test
    void qrIsOrthonormalTimesUpperTriangular() {
        qt(200).forAll(matrices()).checkAssert(a -> {
            int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
            Qr qr = Linalg.qr(a);
            assertArrayEquals(new int[] {m, k}, qr.q().shape());
            assertArrayEquals(new int[] {k, n}, qr.r().shape());
            double[] q = qr.q().toDoubleArray(), r = qr.r().toDoubleArray();
            for (int i = 0; i < k; i++) {
                assertTrue(r[i * n + i] >= 0, "diagonal of R is non-negative");
                for (int j = 0; j < Math.min(i, n); j++) assertEquals(0, r[i * n + j], "R is upper-triangular");
            }
            assertMaxAbsDiff(a.toDoubleArray(), multiply(q, r, m, k, n), 1e-4, "Q R = A");
            assertOrthonormalColumns(q, m, k, 1e-5);
        });
    }

    static Gen<Tensor> matrices() {
        return LinalgTestSupport.matrices(24);
    }

    @Test
    void solutionsSatisfyTheSystem() {
        record Case(int n, int columns, int layout, long seed, boolean inDouble) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 24).generate(in),
                integers().between(0, 3).generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in),
                booleans().all().generate(in));
        qt(150).forAll(cases)
                .checkAssert(c -> solutionsSatisfyTheSystem(c.n(), c.columns(), c.layout(), c.seed(), c.inDouble()));
    }

    private void solutionsSatisfyTheSystem(int n, int columns, int layout, long seed, boolean inDouble) {
        double[] av = values(seed, n, n, false);
        for (int i = 0; i < n; i++) av[i * n + i] += n;
        Tensor a = layout(av, n, n, layout);
        Random random = new Random(seed + 1);
        int k = Math.max(columns, 1);
        double[] bv = new double[n * k];
        for (int i = 0; i < bv.length; i++) bv[i] = (float) random.nextGaussian();
        Tensor b = columns == 0 ? Tensor.of(toFloats(bv), n) : layout(bv, n, k, layout);
        if (inDouble) a = a.to(DType.F64);

        Tensor x = Linalg.solve(a, b);
        assertArrayEquals(b.shape(), x.shape());
        assertEquals(inDouble ? DType.F64 : DType.F32, x.dtype());
        double scale = 1 + frobenius(bv);
        assertMaxAbsDiff(
                bv,
                multiply(a.toDoubleArray(), x.toDoubleArray(), n, n, k),
                (inDouble ? 1e-9 : 1e-4) * scale,
                "A x = b");
    }

    @Test
    void qrOfARankDeficientMatrixStillReconstructs() {
        Qr qr = Linalg.qr(Tensor.of(new float[] {1, 2, 2, 4, 3, 6}, 3, 2));
        assertMaxAbsDiff(
                new double[] {1, 2, 2, 4, 3, 6},
                multiply(qr.q().toDoubleArray(), qr.r().toDoubleArray(), 3, 2, 2),
                1e-5,
                "Q R = A");
        assertEquals(0, qr.r().get(1, 1), 1e-5);
    }

    @Test
    void singularAndMismatchedSystemsAreRejectedNamingShapes() {
        ArithmeticException singular = assertThrows(
                ArithmeticException.class,
                () -> Linalg.solve(Tensor.of(new float[] {1, 2, 2, 4}, 2, 2), Tensor.ones(2)));
        assertTrue(
                singular.getMessage().contains("solve") && singular.getMessage().contains("[2, 2]"),
                singular.getMessage());
        assertThrows(ArithmeticException.class, () -> Linalg.solve(Tensor.zeros(3, 3), Tensor.ones(3, 1)));
        ShapeException mismatch =
                assertThrows(ShapeException.class, () -> Linalg.solve(Tensor.ones(3, 3), Tensor.ones(4)));
        assertTrue(
                mismatch.getMessage().contains("[3, 3]")
                        && mismatch.getMessage().contains("[4]"),
                mismatch.getMessage());
        ShapeException notSquare =
                assertThrows(ShapeException.class, () -> Linalg.solve(Tensor.ones(3, 2), Tensor.ones(3)));
        assertTrue(notSquare.getMessage().contains("[3, 2]"), notSquare.getMessage());
        ShapeException notMatrix = assertThrows(ShapeException.class, () -> Linalg.qr(Tensor.ones(2, 2, 2)));
        assertTrue(
                notMatrix.getMessage().contains("qr") && notMatrix.getMessage().contains("[2, 2, 2]"),
                notMatrix.getMessage());
    }

    @Test
    void solvesAKnownSystem() {
        Tensor x = Linalg.solve(Tensor.of(new float[] {2, 1, 1, 3}, 2, 2).t(), Tensor.of(new float[] {3, 5}, 2));
        assertMaxAbsDiff(new double[] {0.8, 1.4}, x.toDoubleArray(), 1e-6, "x");
    }
}

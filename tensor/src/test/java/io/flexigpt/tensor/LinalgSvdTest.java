package io.flexigpt.tensor;

import static io.flexigpt.tensor.LinalgTestSupport.*;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * SVD properties on random matrices (tall, wide, 1×n, n×1, rank-deficient, transposed and sliced views).
 * Tolerances: fp64 results to 1e-9 relative to the matrix scale, fp32 results to 1e-4 absolute
 * (entries of A lie in [-2, 2] and dimensions are at most 24).
 */
class LinalgSvdTest {

    @Test
    void factorsReconstructAndAreOrthonormalAndSorted() {
        qt(200).forAll(matrices(), booleans().all()).checkAssert((a, inDouble) -> {
            Tensor input = inDouble ? a.to(DType.F64) : a;
            double tol = inDouble ? 1e-9 * (1 + frobenius(a.toDoubleArray())) : 1e-4;
            int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
            Svd svd = Linalg.svd(input);

            assertArrayEquals(new int[] {m, k}, svd.u().shape());
            assertArrayEquals(new int[] {k}, svd.s().shape());
            assertArrayEquals(new int[] {k, n}, svd.vt().shape());
            assertEquals(input.dtype(), svd.u().dtype());
            double[] s = svd.s().toDoubleArray();
            for (int i = 0; i < k; i++) {
                assertTrue(s[i] >= 0, "singular values are non-negative");
                if (i > 0) assertTrue(s[i - 1] >= s[i], "singular values are sorted descending");
            }
            assertMaxAbsDiff(a.toDoubleArray(), svd.reconstruct().toDoubleArray(), tol, "U diag(s) Vᵀ = A");
            assertOrthonormalColumns(svd.u().toDoubleArray(), m, k, inDouble ? 1e-12 : 1e-5);
            assertOrthonormalColumns(transpose(svd.vt().toDoubleArray(), k, n), n, k, inDouble ? 1e-12 : 1e-5);
            assertMaxAbsDiff(s, Linalg.singularValues(input).toDoubleArray(), tol, "singularValues agrees with svd");
        });
    }

    @Test
    void truncationMeetsTheEckartYoungBound() {
        qt(150).forAll(matrices(), longs().all()).checkAssert((a, seed) -> {
            Tensor a64 = a.to(DType.F64);
            double[] av = a.toDoubleArray();
            int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
            double[] tail = Linalg.tailEnergies(a);
            double scale = 1 + frobenius(av);
            assertEquals(k + 1, tail.length);
            assertEquals(0, tail[k]);
            assertEquals(
                    frobenius(av) * frobenius(av), tail[0], 1e-9 * scale * scale, "tail energy at rank 0 is ‖A‖_F²");

            int r = 1 + (int) Math.floorMod(seed, (long) k);
            Svd best = Linalg.svd(a64, r);
            assertEquals(r, best.rank());
            double bestError = frobenius(minus(av, best.reconstruct().toDoubleArray()));
            assertEquals(Math.sqrt(tail[r]), bestError, 1e-9 * scale, "‖A − A_r‖_F = sqrt(Σ_{i≥r} σ_i²)");
            assertEquals(tail[r], Linalg.tailEnergy(a, r), 0);

            Svd perturbed = new Svd(perturb(best.u(), seed), best.s(), perturb(best.vt(), seed + 1));
            double otherError = frobenius(minus(av, perturbed.reconstruct().toDoubleArray()));
            assertTrue(
                    bestError <= otherError + 1e-9 * scale,
                    "another rank-r approximation is no better: " + bestError + " vs " + otherError);
        });
    }

    static Gen<Tensor> matrices() {
        return LinalgTestSupport.matrices(24);
    }

    @Test
    void rankDeficientAndDegenerateShapesHaveZeroTailSpectrum() {
        Tensor outer = layout(new double[] {1, 2, 3, 2, 4, 6}, 2, 3, 1);
        double[] s = Linalg.singularValues(outer).toDoubleArray();
        assertEquals(Math.sqrt(14 * 5), s[0], 1e-5);
        assertEquals(0, s[1], 1e-5);
        assertEquals(0, Linalg.tailEnergy(outer.to(DType.F64), 1), 1e-20);
        Svd zero = Linalg.svd(Tensor.zeros(3, 2));
        assertArrayEquals(new float[2], zero.s().toFloatArray());
        assertOrthonormalColumns(zero.u().toDoubleArray(), 3, 2, 1e-6);
        Svd row = Linalg.svd(Tensor.of(new float[] {3, 4}, 1, 2));
        assertEquals(5, row.s().item(), 1e-6);
        assertMaxAbsDiff(new double[] {3, 4}, row.reconstruct().toDoubleArray(), 1e-6, "1×n");
    }

    @Test
    void nonMatrixInputsAndBadRanksAreRejected() {
        ShapeException e = assertThrows(ShapeException.class, () -> Linalg.svd(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("svd") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Linalg.singularValues(Tensor.zeros(5)));
        assertTrue(e.getMessage().contains("singularValues") && e.getMessage().contains("[5]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Linalg.tailEnergies(Tensor.zeros(0, 3)));
        assertTrue(e.getMessage().contains("[0, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Linalg.svd(Tensor.ones(3, 2), 3));
        assertThrows(IllegalArgumentException.class, () -> Linalg.svd(Tensor.ones(3, 2), 0));
        assertThrows(IllegalArgumentException.class, () -> Linalg.tailEnergy(Tensor.ones(3, 2), 3));
        assertThrows(IllegalArgumentException.class, () -> Linalg.svd(Tensor.of(new float[] {Float.NaN}, 1, 1)));
    }
}

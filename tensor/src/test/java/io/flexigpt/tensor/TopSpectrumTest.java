package io.flexigpt.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The top-r spectrum against the exact EJML SVD: on random matrices of several shapes with flat
 * (Gaussian), polynomially and exponentially decaying spectra, the randomized tail energy is within a
 * relative 1e-3 of the exact one at the default settings, its singular values are close, its factors
 * are orthonormal and give a near-optimal rank-r approximation, and its subspace is the exact one when
 * the spectrum has a gap. Small matrices take the exact path; results are deterministic.
 */
class TopSpectrumTest {

    /** The spectrum families of the tests. */
    enum Spectrum {
        GAUSSIAN,
        POWER_HALF,
        POWER_ONE,
        EXPONENTIAL,
        GAP
    }

    /** An fp32 m×n matrix: i.i.d. N(0, 1) entries (flat, Marchenko–Pastur spectrum) or U diag(σ) Vᵀ with random orthonormal U, V. */
    static Tensor matrix(int m, int n, Spectrum spectrum, long seed) {
        Rng rng = new Rng(seed);
        if (spectrum == Spectrum.GAUSSIAN) return rng.normal(0, 1, m, n);
        int k = Math.min(m, n);
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = switch (spectrum) {
                case POWER_HALF -> Math.pow(i + 1, -0.5);
                case POWER_ONE -> 1.0 / (i + 1);
                case EXPONENTIAL -> Math.exp(-i / (k / 8.0));
                default -> i < 8 ? 10 - i : 0.5 * Math.exp(-i / (double) k);
            };
        }
        Tensor u = Linalg.qr(rng.normal(0, 1, m, k).to(DType.F64)).q(),
                v = Linalg.qr(rng.normal(0, 1, n, k).to(DType.F64)).q();
        return u.mul(Tensor.ofDouble(s, 1, k)).matmul(v.t()).to(DType.F32);
    }

    /** Exact Σ_{i≥r} σ_i² of {@code a}, summed from the smallest singular value up. */
    static double exactTail(Tensor a, int r) {
        return Linalg.tailEnergy(a.to(DType.F64), r);
    }

    @Test
    void tailEnergyIsWithinOnePerMilleOfTheExactOneOnTallWideFlatAndDecayingSpectra() {
        int[][] shapes = {{300, 120}, {96, 320}, {200, 200}};
        long seed = 1;
        for (int[] shape : shapes) {
            for (Spectrum spectrum : Spectrum.values()) {
                Tensor a = matrix(shape[0], shape[1], spectrum, seed++);
                double[] tails = Linalg.tailEnergies(a.to(DType.F64));
                for (int r : new int[] {4, 8, 16}) {
                    TopSpectrum t = Linalg.topSpectrum(a, r, SpectrumMethod.RANDOMIZED);
                    double rel = Math.abs(t.tailEnergy() - tails[r]) / tails[r];
                    assertTrue(
                            rel <= 1e-3,
                            shape[0] + "x" + shape[1] + " " + spectrum + " r=" + r + ": relative tail error " + rel);
                    assertEquals(tails[0], t.energy(), 1e-6 * tails[0], "||A||_F²");
                    assertEquals(r, t.rank());
                }
            }
        }
    }

    @Test
    void tailEnergyOfFlatSpectraAtMlpShapeAndRanksUpTo64() {
        Tensor a = matrix(576, 1536, Spectrum.GAUSSIAN, 99);
        double[] tails = Linalg.tailEnergies(a.to(DType.F64));
        for (int r : new int[] {8, 64}) {
            double rel = Math.abs(Linalg.topSpectrum(a, r).tailEnergy() - tails[r]) / tails[r];
            assertTrue(rel <= 1e-3, "576x1536 Gaussian r=" + r + ": relative tail error " + rel);
        }
    }

    @Test
    void singularValuesFactorsAndSubspacesAgreeWithTheExactSvd() {
        long seed = 40;
        for (int[] shape : new int[][] {{300, 120}, {96, 320}}) {
            for (Spectrum spectrum : Spectrum.values()) {
                Tensor a = matrix(shape[0], shape[1], spectrum, seed++);
                Tensor a64 = a.to(DType.F64);
                int r = 8;
                Svd exact = Linalg.svd(a64, r);
                Svd top = Linalg.topSpectrum(a, r, SpectrumMethod.RANDOMIZED).top();
                String what = shape[0] + "x" + shape[1] + " " + spectrum;
                double[] se = exact.s().toDoubleArray(), sr = top.s().toDoubleArray();
                for (int i = 0; i < r; i++) {
                    double tolerance = spectrum == Spectrum.GAUSSIAN ? 2e-2 : 1e-3;
                    assertEquals(se[i], sr[i], tolerance * se[i], what + ": σ_" + (i + 1));
                }
                Tensor u = top.u().to(DType.F64), vt = top.vt().to(DType.F64);
                assertTrue(u.t().matmul(u).maxAbsDiff(Tensor.ofDouble(identity(r), r, r)) < 1e-5, what + ": UᵀU = I");
                assertTrue(vt.matmul(vt.t()).maxAbsDiff(Tensor.ofDouble(identity(r), r, r)) < 1e-5, what + ": VᵀV = I");
                double optimal = exactTail(a, r);
                double residual = a64.sub(new Svd(u, top.s().to(DType.F64), vt).reconstruct())
                        .square()
                        .sum();
                assertTrue(
                        residual <= (1 + 1e-3) * optimal,
                        what + ": ||A - Ũ Σ̃ Ṽᵀ||² " + residual + " vs optimal " + optimal);
                if (spectrum == Spectrum.GAP || spectrum == Spectrum.EXPONENTIAL || spectrum == Spectrum.POWER_ONE) {
                    double captured = exact.u().t().matmul(u).square().sum();
                    assertEquals(r, captured, 1e-3 * r, what + ": ||U_rᵀ Ũ_r||_F² (subspace agreement)");
                }
            }
        }
    }

    private static double[] identity(int r) {
        double[] id = new double[r * r];
        for (int i = 0; i < r; i++) id[i * r + i] = 1;
        return id;
    }

    @Test
    void smallMatricesTakeTheExactPathAndResultsAreDeterministic() {
        Tensor small = matrix(40, 30, Spectrum.GAUSSIAN, 5);
        TopSpectrum auto = Linalg.topSpectrum(small, 5), exact = Linalg.topSpectrum(small, 5, SpectrumMethod.EXACT);
        assertEquals(exact.tailEnergy(), auto.tailEnergy(), "min(m, n) = 30 ≤ 2 (2·5 + 10): exact");
        assertEquals(0.0, auto.top().u().maxAbsDiff(exact.top().u()));
        assertEquals(Linalg.tailEnergy(small, 5), exact.tailEnergy(), 1e-12 * exact.energy());

        Tensor big = matrix(200, 90, Spectrum.POWER_HALF, 6);
        TopSpectrum first = Linalg.topSpectrum(big, 8), second = Linalg.topSpectrum(big, 8);
        assertEquals(first.tailEnergy(), second.tailEnergy());
        assertEquals(0.0, first.top().u().maxAbsDiff(second.top().u()));
        assertEquals(0.0, first.top().vt().maxAbsDiff(second.top().vt()));
        assertEquals(
                Linalg.topSpectrum(big, 8, SpectrumMethod.RANDOMIZED).tailEnergy(),
                first.tailEnergy(),
                "min(m, n) = 90 > 52: randomized");
    }

    @Test
    void fp64TransposedAndFullRankInputs() {
        Tensor a = matrix(120, 150, Spectrum.POWER_ONE, 8);
        double tail = exactTail(a, 6);
        assertEquals(
                tail,
                Linalg.topSpectrum(a.to(DType.F64), 6, SpectrumMethod.RANDOMIZED)
                        .tailEnergy(),
                1e-3 * tail);
        TopSpectrum transposed = Linalg.topSpectrum(a.t(), 6, SpectrumMethod.RANDOMIZED);
        assertEquals(tail, transposed.tailEnergy(), 1e-3 * tail);
        assertArrayEquals(new int[] {150, 6}, transposed.top().u().shape());
        assertArrayEquals(new int[] {6, 120}, transposed.top().vt().shape());
        TopSpectrum full = Linalg.topSpectrum(matrix(20, 12, Spectrum.GAUSSIAN, 9), 12, SpectrumMethod.RANDOMIZED);
        assertEquals(0.0, full.tailEnergy(), 1e-5 * full.energy(), "at full rank nothing is left");
    }

    @Test
    void badInputsAreRejectedWithTheShapeAndRank() {
        Tensor a = Tensor.ones(6, 4);
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> Linalg.topSpectrum(a, 5));
        assertTrue(
                rank.getMessage().contains("rank 5 outside 1..4")
                        && rank.getMessage().contains("[6, 4]"),
                rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Linalg.topSpectrum(a, 0));
        assertThrows(ShapeException.class, () -> Linalg.topSpectrum(Tensor.ones(5), 1));
        Tensor nan = Tensor.ones(6, 4).add(Tensor.of(new float[] {Float.NaN}, 1, 1));
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> Linalg.topSpectrum(nan, 1, SpectrumMethod.RANDOMIZED));
        assertTrue(bad.getMessage().contains("NaN or infinite"), bad.getMessage());
    }
}

package io.flexigpt.tensor;

/**
 * The leading singular triplets of a matrix by the randomized range finder with subspace (power)
 * iterations of Halko, Martinsson and Tropp (2011, algorithms 4.4 and 5.1): {@code Y = A Ω} for a
 * Gaussian Ω of l = r + p columns, q rounds of {@code Y ← A (Aᵀ Q)} with a QR re-orthonormalisation
 * after every product, then {@code B = Qᵀ A} (l×n) and its exact SVD {@code B = Ũ Σ Vᵀ} give
 * {@code U = Q Ũ}. The products run in the matrix's own dtype through {@link Tensor#matmul} (the fast
 * fp32 GEMM for weights), the small QR and SVD factorisations in double on EJML. Ω comes from a
 * fixed seed, so results are deterministic.
 *
 * <p>Defaults: oversampling p = r + 10 and q = 8. Flat (random-matrix) spectra converge slowly, since
 * σ_r and σ_{l+1} are close; with these settings the relative error of the tail energy
 * {@code Σ_{i>r} σ_i²} stays below 1e-3 on Gaussian matrices up to 576×1536 at r = 8…64 (see
 * TopSpectrumTest), at about 2q + 3 products with an l-column matrix.
 */
final class RandomizedSvd {
    private RandomizedSvd() {}

    /** Rounds of {@code A Aᵀ} applied to the sketch. */
    static final int POWER_ITERATIONS = 8;

    /** Seed of the Gaussian test matrix Ω. */
    static final long SEED = 0x5EED_5BD5L;

    /** Sketch width l = r + p with oversampling p = r + 10. */
    static int sketchColumns(int rank) {
        return 2 * rank + 10;
    }

    /** The default rule: the exact SVD when the sketch would be at least half the smaller side. */
    static boolean exactIsCheaper(int m, int n, int rank) {
        return Math.min(m, n) <= 2 * sketchColumns(rank);
    }

    /** The leading {@code rank} triplets of {@code a} (a finite m×n matrix, 1 ≤ rank ≤ min(m, n)). */
    static Svd top(Tensor a, int rank) {
        int m = a.dim(0), n = a.dim(1);
        int l = Math.min(sketchColumns(rank), Math.min(m, n));
        Tensor omega = new Rng(SEED).normal(0, 1, n, l).to(a.dtype());
        Tensor q = orthonormalBasis(a.matmul(omega));
        for (int i = 0; i < POWER_ITERATIONS; i++) {
            Tensor z = orthonormalBasis(a.t().matmul(q));
            q = orthonormalBasis(a.matmul(z));
        }
        Svd small = Linalg.svd(q.t().matmul(a)).truncate(rank);
        return new Svd(q.matmul(small.u()).contiguous(), small.s(), small.vt());
    }

    private static Tensor orthonormalBasis(Tensor y) {
        return Linalg.qr(y).q();
    }

    /** {@code ||a||_F²} accumulated in double (NaN or infinite when an entry is). */
    static double energy(Tensor a) {
        Tensor c = a.contiguous();
        int n = c.numel();
        double sum = 0;
        if (c.f != null) {
            for (int i = 0; i < n; i++) {
                double x = c.f[c.offset + i];
                sum += x * x;
            }
        } else {
            for (int i = 0; i < n; i++) {
                double x = c.d[c.offset + i];
                sum += x * x;
            }
        }
        return sum;
    }
}

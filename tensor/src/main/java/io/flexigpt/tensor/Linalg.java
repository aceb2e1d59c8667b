package io.flexigpt.tensor;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.linsol.lu.LinearSolverLu_DDRM;
import org.ejml.interfaces.decomposition.DecompositionInterface;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Dense linear algebra on 2-D tensors (any layout, fp32 or fp64), computed in double precision with
 * EJML and returned in the input's dtype: singular value decomposition with singular values sorted
 * descending, Eckart–Young tail energies, the leading singular triplets of large matrices by a
 * randomized range finder on the fast GEMM ({@link #topSpectrum}), thin QR and square linear solves.
 */
public final class Linalg {
    private Linalg() {}

    /** The thin SVD of an m×n matrix: U m×k, s k, Vᵀ k×n with k = min(m, n) and s descending. */
    public static Svd svd(Tensor aStored) {
        Tensor a = aStored.arithmetic();
        DMatrixRMaj m = matrix("svd", a);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(m.numRows, m.numCols, true, true, true);
        decompose("svd", svd, m, a);
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int k = w.numCols;
        double[] s = new double[k];
        for (int i = 0; i < k; i++) s[i] = w.get(i, i);
        double[] vt = new double[k * v.numRows];
        for (int i = 0; i < v.numRows; i++) {
            for (int j = 0; j < k; j++) vt[j * v.numRows + i] = v.get(i, j);
        }
        DType dtype = a.dtype();
        return new Svd(tensor(u.data, dtype, u.numRows, k), tensor(s, dtype, k), tensor(vt, dtype, k, v.numRows));
    }

    /** The rank-{@code rank} truncated SVD, the best rank-{@code rank} approximation of {@code a} (Eckart–Young). */
    public static Svd svd(Tensor aStored, int rank) {
        Tensor a = aStored.arithmetic();
        Ejml.requireMatrix("svd", a);
        int k = Math.min(a.dim(0), a.dim(1));
        if (rank < 1 || rank > k) {
            throw new IllegalArgumentException(
                    "svd: rank " + rank + " outside 1.." + k + " for shape " + Shapes.str(a.shape));
        }
        return svd(a).truncate(rank);
    }

    /** The min(m, n) singular values of {@code a}, sorted descending, in the dtype of {@code a}. */
    public static Tensor singularValues(Tensor aStored) {
        Tensor a = aStored.arithmetic();
        double[] s = descendingSingularValues("singularValues", a);
        return tensor(s, a.dtype(), s.length);
    }

    /**
     * Eckart–Young tail energies: element r (0 ≤ r ≤ min(m, n)) is {@code Σ_{i≥r} σ_i²} (σ 0-based and
     * descending), the squared Frobenius error of the best rank-r approximation. Computed in double
     * from the full spectrum, summing from the smallest value up.
     */
    public static double[] tailEnergies(Tensor aStored) {
        Tensor a = aStored.arithmetic();
        double[] s = descendingSingularValues("tailEnergies", a);
        double[] tail = new double[s.length + 1];
        for (int i = s.length - 1; i >= 0; i--) tail[i] = tail[i + 1] + s[i] * s[i];
        return tail;
    }

    /** {@code Σ_{i≥r} σ_i²}, the squared Frobenius error of the best rank-r approximation of {@code a}. */
    public static double tailEnergy(Tensor aStored, int r) {
        Tensor a = aStored.arithmetic();
        double[] tail = tailEnergies(a);
        if (r < 0 || r >= tail.length) {
            throw new IllegalArgumentException(
                    "tailEnergy: rank " + r + " outside 0.." + (tail.length - 1) + " for shape " + Shapes.str(a.shape));
        }
        return tail[r];
    }

    /**
     * The leading {@code rank} singular triplets of {@code a} and its Eckart–Young tail energy, by the
     * default rule of {@link SpectrumMethod#AUTO}: the exact SVD when {@code min(m, n) ≤ 2 (2 rank + 10)},
     * otherwise the randomized range finder (sketch of l = 2 rank + 10 columns, 8 power iterations,
     * fixed seed), which costs 18 products of {@code a} with m×l or n×l matrices.
     */
    public static TopSpectrum topSpectrum(Tensor a, int rank) {
        return topSpectrum(a, rank, SpectrumMethod.AUTO);
    }

    /**
     * As {@link #topSpectrum(Tensor, int)} with the method chosen by the caller. The energy
     * {@code ||a||_F²} is summed in double from the entries; the exact tail energy is summed from the
     * smallest singular value up, the randomized one is {@code ||a||_F² - Σ_{i≤rank} σ_i²} (at least 0).
     */
    public static TopSpectrum topSpectrum(Tensor aStored, int rank, SpectrumMethod method) {
        Tensor a = aStored.arithmetic();
        Ejml.requireMatrix("topSpectrum", a);
        int m = a.dim(0), n = a.dim(1), k = Math.min(m, n);
        if (k == 0) throw new ShapeException("topSpectrum: empty matrix of shape " + Shapes.str(a.shape));
        if (rank < 1 || rank > k) {
            throw new IllegalArgumentException(
                    "topSpectrum: rank " + rank + " outside 1.." + k + " for shape " + Shapes.str(a.shape));
        }
        double energy = RandomizedSvd.energy(a);
        if (!Double.isFinite(energy)) {
            throw new IllegalArgumentException(
                    "topSpectrum: matrix of shape " + Shapes.str(a.shape) + " has NaN or infinite entries");
        }
        boolean exact = method == SpectrumMethod.EXACT
                || (method == SpectrumMethod.AUTO && RandomizedSvd.exactIsCheaper(m, n, rank));
        if (!exact) {
            Svd top = RandomizedSvd.top(a, rank);
            double kept = 0;
            for (double s : top.s().toDoubleArray()) kept += s * s;
            return new TopSpectrum(top, energy, Math.max(0, energy - kept));
        }
        Svd full = svd(a.to(DType.F64));
        double[] s = full.s().toDoubleArray();
        double tail = 0;
        for (int i = s.length - 1; i >= rank; i--) tail += s[i] * s[i];
        Svd top = full.truncate(rank);
        DType dtype = a.dtype();
        return new TopSpectrum(
                new Svd(top.u().to(dtype), top.s().to(dtype), top.vt().to(dtype)), energy, Math.min(tail, energy));
    }

    /** The thin QR decomposition, normalised so that the diagonal of R is non-negative. */
    public static Qr qr(Tensor aStored) {
        Tensor a = aStored.arithmetic();
        DMatrixRMaj m = matrix("qr", a);
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m.numRows, m.numCols);
        // EJML reports false when a column has nothing left to reflect (e.g. a zero column); it then skips
        // that Householder step and the factors are still exact, so the flag is not an error here.
        qr.decompose(m);
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int i = 0; i < r.numRows; i++) {
            if (r.get(i, i) >= 0) continue;
            for (int j = i; j < r.numCols; j++) r.set(i, j, -r.get(i, j));
            for (int j = 0; j < q.numRows; j++) q.set(j, i, -q.get(j, i));
        }
        return new Qr(tensor(q.data, a.dtype(), q.numRows, q.numCols), tensor(r.data, a.dtype(), r.numRows, r.numCols));
    }

    /**
     * The x with {@code A x = b} for square {@code a} (n×n) and {@code b} of shape [n] or [n, k], by LU with
     * partial pivoting. The result has b's shape and is fp64 when either input is.
     *
     * @throws ArithmeticException when A is numerically singular (smallest pivot below n·ε times the largest)
     */
    public static Tensor solve(Tensor aStored, Tensor bStored) {
        Tensor a = aStored.arithmetic();
        Tensor b = bStored.arithmetic();
        boolean vector = b.rank() == 1;
        if (a.rank() != 2
                || a.dim(0) != a.dim(1)
                || a.dim(0) == 0
                || (b.rank() != 1 && b.rank() != 2)
                || b.dim(0) != a.dim(0)) {
            throw new ShapeException("solve: need a square A [n, n] and b [n] or [n, k], got A " + Shapes.str(a.shape)
                    + ", b " + Shapes.str(b.shape));
        }
        DMatrixRMaj am = matrix("solve", a);
        DMatrixRMaj bm = matrix("solve", vector ? b.unsqueeze(1) : b);
        LUDecompositionAlt_DDRM lu = new LUDecompositionAlt_DDRM();
        LinearSolverLu_DDRM solver = new LinearSolverLu_DDRM(lu);
        if (!solver.setA(am) || isSingular(lu.getLU())) {
            throw new ArithmeticException(
                    "solve: A of shape " + Shapes.str(a.shape) + " is singular (b " + Shapes.str(b.shape) + ")");
        }
        DMatrixRMaj x = new DMatrixRMaj(bm.numRows, bm.numCols);
        solver.solve(bm, x);
        DType dtype = a.dtype() == DType.F64 || b.dtype() == DType.F64 ? DType.F64 : DType.F32;
        return vector ? tensor(x.data, dtype, x.numRows) : tensor(x.data, dtype, x.numRows, x.numCols);
    }

    private static boolean isSingular(DMatrixRMaj lu) {
        double largest = 0, smallest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < lu.numRows; i++) {
            double p = Math.abs(lu.get(i, i));
            largest = Math.max(largest, p);
            smallest = Math.min(smallest, p);
        }
        return largest == 0 || smallest <= lu.numRows * Math.ulp(1.0) * largest;
    }

    private static double[] descendingSingularValues(String op, Tensor a) {
        DMatrixRMaj m = matrix(op, a);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
        decompose(op, svd, m, a);
        double[] s = Arrays.copyOf(svd.getSingularValues(), svd.numberOfSingularValues());
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    /** A double copy of a non-empty, finite 2-D tensor. */
    private static DMatrixRMaj matrix(String op, Tensor a) {
        Ejml.requireMatrix(op, a);
        if (a.numel() == 0) throw new ShapeException(op + ": empty matrix of shape " + Shapes.str(a.shape));
        DMatrixRMaj m = Ejml.toDMatrix(a);
        for (double x : m.data) {
            if (!Double.isFinite(x))
                throw new IllegalArgumentException(
                        op + ": matrix of shape " + Shapes.str(a.shape) + " has NaN or infinite entries");
        }
        return m;
    }

    private static void decompose(
            String op, DecompositionInterface<DMatrixRMaj> decomposition, DMatrixRMaj m, Tensor a) {
        if (!decomposition.decompose(m)) {
            throw new ArithmeticException(op + ": decomposition failed for matrix of shape " + Shapes.str(a.shape));
        }
    }

    /** {@code data} (row-major) as a tensor of {@code dtype}; fp64 data is wrapped, fp32 is converted. */
    static Tensor tensor(double[] data, DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        if (dtype == DType.F64) return Tensor.ofDouble(data.length == n ? data : Arrays.copyOf(data, n), shape);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) data[i];
        return Tensor.of(f, shape);
    }
}

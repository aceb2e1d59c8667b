package io.flexigpt.tensor;

/**
 * A thin or truncated singular value decomposition {@code A ≈ U diag(s) Vᵀ}: {@code u} is m×r with
 * orthonormal columns, {@code s} holds r singular values sorted descending, {@code vt} is r×n with
 * orthonormal rows. Produced by {@link Linalg#svd(Tensor)} and {@link Linalg#svd(Tensor, int)}.
 */
public record Svd(Tensor u, Tensor s, Tensor vt) {
    public Svd {
        if (u.rank() != 2 || s.rank() != 1 || vt.rank() != 2 || u.dim(1) != s.dim(0) || vt.dim(0) != s.dim(0)) {
            throw new ShapeException("Svd: shapes do not fit U diag(s) Vᵀ: u " + Shapes.str(u.shape) + ", s "
                    + Shapes.str(s.shape) + ", vt " + Shapes.str(vt.shape));
        }
    }

    /** The number of kept singular triplets r. */
    public int rank() {
        return s.dim(0);
    }

    /** The leading {@code r} singular triplets, which give the best rank-r approximation (Eckart–Young). */
    public Svd truncate(int r) {
        if (r < 1 || r > rank()) {
            throw new IllegalArgumentException("Svd.truncate: rank " + r + " outside 1.." + rank());
        }
        return new Svd(
                u.narrow(1, 0, r).contiguous(),
                s.narrow(0, 0, r).contiguous(),
                vt.narrow(0, 0, r).contiguous());
    }

    /** {@code U diag(s) Vᵀ}, accumulated in double and returned in the dtype of {@code u}. */
    public Tensor reconstruct() {
        int m = u.dim(0), n = vt.dim(1), r = rank();
        double[] uv = u.toDoubleArray(), sv = s.toDoubleArray(), vtv = vt.toDoubleArray();
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < r; k++) {
                double scale = uv[i * r + k] * sv[k];
                for (int j = 0; j < n; j++) out[i * n + j] += scale * vtv[k * n + j];
            }
        }
        return Linalg.tensor(out, u.dtype(), m, n);
    }
}

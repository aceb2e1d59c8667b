package io.flexigpt.tensor;

/**
 * A thin QR decomposition {@code A = Q R} of an m×n matrix with k = min(m, n): {@code q} is m×k with
 * orthonormal columns and {@code r} is k×n upper-triangular with a non-negative diagonal. Produced by
 * {@link Linalg#qr(Tensor)}.
 */
public record Qr(Tensor q, Tensor r) {
    public Qr {
        if (q.rank() != 2 || r.rank() != 2 || q.dim(1) != r.dim(0)) {
            throw new ShapeException(
                    "Qr: shapes do not fit Q R: q " + Shapes.str(q.shape) + ", r " + Shapes.str(r.shape));
        }
    }
}

package io.flexigpt.tensor.backend;

/**
 * {@code batch} independent products {@code C = op(A)·op(B)} on contiguous row-major matrices:
 * {@code op(A)} is m×k (stored k×m when {@code transA}), {@code op(B)} is k×n (stored n×k when
 * {@code transB}), C is m×n; matrix {@code i} of each operand follows matrix {@code i-1} directly.
 */
public record MatmulShape(int batch, int m, int n, int k, boolean transA, boolean transB) {
    public MatmulShape {
        Operands.requirePositive("matmul", batch, m, n, k);
        Operands.product(batch, m, k);
        Operands.product(batch, k, n);
        Operands.product(batch, m, n);
    }

    /** One product without transposes. */
    public static MatmulShape of(int m, int n, int k) {
        return new MatmulShape(1, m, n, k, false, false);
    }

    /** Throws unless the buffers have this shape's sizes and are distinct. */
    public void check(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        Operands.requireDistinct("matmul", a, b, c);
        Operands.requireLength("matmul", "A", a, (long) batch * m * k);
        Operands.requireLength("matmul", "B", b, (long) batch * k * n);
        Operands.requireLength("matmul", "C", c, (long) batch * m * n);
    }

    /** Floating-point operations of one call: {@code 2·batch·m·n·k}. */
    public double flops() {
        return 2.0 * batch * m * n * k;
    }
}

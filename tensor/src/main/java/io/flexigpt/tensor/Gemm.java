package io.flexigpt.tensor;

/**
 * BLAS-style general matrix multiply on row-major arrays with offsets and leading dimensions:
 * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. {@code op(A)} is
 * m×k, stored k×m when {@code transA}; {@code op(B)} is k×n, stored n×k when {@code transB}; C is
 * m×n. Element (i, j) of a stored matrix X lies at {@code x[off + i*ld + j]}. C must not overlap A
 * or B, and in batched calls the output matrices must not overlap each other.
 *
 * <p>{@code sgemm} is the fast fp32 kernel: packed, blocked, register-tiled (Vector API when
 * present) and multi-threaded through {@link Parallelism}; its results are bit-identical for any
 * thread count. {@code dgemm} is a plain, correct fp64 reference for gradient checks.
 */
public final class Gemm {
    private Gemm() {}

    /** fp32 product of one pair of matrices; see the class comment for the layout. */
    public static void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        sgemm(GemmKernels.BEST, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    static void sgemm(
            GemmKernel kernel,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        checkShape(1, m, n, k);
        checkOperands(
                1, transA, transB, m, n, k, a.length, aOff, lda, 0, b.length, bOff, ldb, 0, c.length, cOff, ldc, 0);
        GemmDriver.sgemm(kernel, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * fp32 products of {@code batch} pairs of matrices; matrix {@code i} of X starts at
     * {@code xOff + i*xBatchStride} (strides of A and B may be 0 to share one matrix). Small matrices
     * (attention heads) run one per thread; big ones are each split across threads.
     */
    public static void sgemmBatched(
            int batch,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int aBatchStride,
            float[] b,
            int bOff,
            int ldb,
            int bBatchStride,
            float[] c,
            int cOff,
            int ldc,
            int cBatchStride,
            boolean accumulate) {
        sgemmBatched(
                GemmKernels.BEST,
                batch,
                transA,
                transB,
                m,
                n,
                k,
                a,
                aOff,
                lda,
                aBatchStride,
                b,
                bOff,
                ldb,
                bBatchStride,
                c,
                cOff,
                ldc,
                cBatchStride,
                accumulate);
    }

    static void sgemmBatched(
            GemmKernel kernel,
            int batch,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int aBatchStride,
            float[] b,
            int bOff,
            int ldb,
            int bBatchStride,
            float[] c,
            int cOff,
            int ldc,
            int cBatchStride,
            boolean accumulate) {
        checkShape(batch, m, n, k);
        checkOperands(
                batch,
                transA,
                transB,
                m,
                n,
                k,
                a.length,
                aOff,
                lda,
                aBatchStride,
                b.length,
                bOff,
                ldb,
                bBatchStride,
                c.length,
                cOff,
                ldc,
                cBatchStride);
        Parallelism.RangeBody body = (s, e) -> {
            for (int i = s; i < e; i++) {
                GemmDriver.sgemm(
                        kernel,
                        transA,
                        transB,
                        m,
                        n,
                        k,
                        a,
                        aOff + i * aBatchStride,
                        lda,
                        b,
                        bOff + i * bBatchStride,
                        ldb,
                        c,
                        cOff + i * cBatchStride,
                        ldc,
                        accumulate);
            }
        };
        int threads = Parallelism.threads();
        boolean tiny =
                (long) batch * m * n * k < TINY_BATCH_WORK; // a thread hand-off costs more than the whole product
        boolean acrossBatches = batch % threads == 0 || batch >= 4 * threads || (long) m * n * k < SPLIT_MATRIX_WORK;
        if (tiny || !acrossBatches) body.run(0, batch);
        else Parallelism.forChunks(batch, 1, body);
    }

    /** Total multiply-adds below which a batched product runs on the calling thread. */
    private static final long TINY_BATCH_WORK = 1L << 16;

    /** Multiply-adds per matrix from which a batched product splits each matrix rather than the batch. */
    private static final long SPLIT_MATRIX_WORK = 1L << 22;

    /** fp64 product, a straightforward triple loop meant as a reference; same layout as {@link #sgemm}. */
    public static void dgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double[] a,
            int aOff,
            int lda,
            double[] b,
            int bOff,
            int ldb,
            double[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        dgemmBatched(1, transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, accumulate);
    }

    /** fp64 batched product with the layout of {@link #sgemmBatched}. */
    public static void dgemmBatched(
            int batch,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double[] a,
            int aOff,
            int lda,
            int aBatchStride,
            double[] b,
            int bOff,
            int ldb,
            int bBatchStride,
            double[] c,
            int cOff,
            int ldc,
            int cBatchStride,
            boolean accumulate) {
        checkShape(batch, m, n, k);
        checkOperands(
                batch,
                transA,
                transB,
                m,
                n,
                k,
                a.length,
                aOff,
                lda,
                aBatchStride,
                b.length,
                bOff,
                ldb,
                bBatchStride,
                c.length,
                cOff,
                ldc,
                cBatchStride);
        int aRow = transA ? 1 : lda, aCol = transA ? lda : 1, bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        for (int t = 0; t < batch; t++) {
            int ab = aOff + t * aBatchStride, bb = bOff + t * bBatchStride, cb = cOff + t * cBatchStride;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[ab + i * aRow + p * aCol] * b[bb + p * bRow + j * bCol];
                    int at = cb + i * ldc + j;
                    c[at] = accumulate ? c[at] + s : s;
                }
            }
        }
    }

    private static void checkShape(int batch, int m, int n, int k) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "gemm: negative size: batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        }
    }

    private static void checkOperands(
            int batch,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            int aLen,
            int aOff,
            int lda,
            int aStride,
            int bLen,
            int bOff,
            int ldb,
            int bStride,
            int cLen,
            int cOff,
            int ldc,
            int cStride) {
        if (batch == 0 || m == 0 || n == 0) return;
        if (k > 0) {
            checkMatrix("A", batch, transA ? k : m, transA ? m : k, aLen, aOff, lda, aStride);
            checkMatrix("B", batch, transB ? n : k, transB ? k : n, bLen, bOff, ldb, bStride);
        }
        checkMatrix("C", batch, m, n, cLen, cOff, ldc, cStride);
    }

    private static void checkMatrix(String name, int batch, int rows, int cols, int len, int off, int ld, int stride) {
        if (rows > 1 && ld < cols) {
            throw new IllegalArgumentException(
                    "gemm: leading dimension of " + name + " is " + ld + ", less than its " + cols + " columns");
        }
        if (stride < 0) throw new IllegalArgumentException("gemm: negative batch stride " + stride + " for " + name);
        long last = off + (long) (batch - 1) * stride + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > len) {
            throw new IndexOutOfBoundsException(
                    "gemm: " + name + " (" + batch + " x " + rows + "x" + cols + ", offset " + off + ", ld " + ld
                            + ", batch stride " + stride + ") needs " + last + " elements, array has " + len);
        }
    }
}

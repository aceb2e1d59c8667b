package io.flexigpt.tensor;

/**
 * Batched matrix product {@code [..., m, k] @ [..., k, n]} with numpy broadcasting of the batch axes.
 * An operand whose last two axes are a transposed view is handed to the kernel as transposed, so
 * {@code a.matmul(b.t())} never materialises {@code b.t()}. A 16-bit right operand (frozen weights,
 * {@code x @ Wᵀ}) is widened inside the GEMM's packing, never as a whole.
 */
final class MatMul {
    private MatMul() {}

    /** How one operand's matrices lie in storage. */
    private static final class Operand {
        final Tensor t;
        final boolean trans;
        final int ld;

        Operand(Tensor t, boolean trans, int ld) {
            this.t = t;
            this.trans = trans;
            this.ld = ld;
        }

        static Operand of(Tensor x) {
            int r = x.shape.length;
            int rows = x.shape[r - 2], cols = x.shape[r - 1];
            int sr = x.strides[r - 2], sc = x.strides[r - 1];
            if ((sc == 1 || cols == 1) && (rows == 1 || sr >= cols))
                return new Operand(x, false, rows == 1 ? Math.max(cols, 1) : sr);
            if ((sr == 1 || rows == 1) && (cols == 1 || sc >= rows))
                return new Operand(x, true, cols == 1 ? Math.max(rows, 1) : sc);
            Tensor c = x.contiguous();
            return new Operand(c, false, Math.max(cols, 1));
        }
    }

    static Tensor matmul(Tensor aStored, Tensor b) {
        Tensor a = aStored.arithmetic();
        if (a.shape.length < 2 || b.shape.length < 2) {
            throw new ShapeException("matmul: operands need at least 2 axes, got " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape));
        }
        int ra = a.shape.length, rb = b.shape.length;
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        if (b.shape[rb - 2] != k) {
            throw new ShapeException(
                    "matmul: inner dimensions differ: " + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape));
        }
        int[] batchA = java.util.Arrays.copyOf(a.shape, ra - 2), batchB = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] batch = Shapes.broadcast(batchA, batchB, "matmul");
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        DType dtype = Elementwise.resultType(a, b);
        Tensor out = Tensor.zeros(dtype, outShape);
        if (out.numel() == 0) return out;

        Tensor ea = a.expand(concat(batch, m, k)), eb = b.expand(concat(batch, k, n));
        if (dtype == DType.F64) {
            ea = ea.to(DType.F64);
            eb = eb.to(DType.F64);
        }
        Operand oa = Operand.of(ea), ob = Operand.of(eb);
        int batches = Shapes.numel(batch);
        int[] offA = batchOffsets(oa.t, batch), offB = batchOffsets(ob.t, batch);
        int cStride = m * n;
        int strideA = arithmeticStride(offA), strideB = arithmeticStride(offB);
        if (ob.t.h != null) {
            halfB(oa, ob, batches, m, n, k, offA, offB, strideA, strideB, out);
        } else if (batches > 1 && strideB == 0 && !oa.trans && strideA == m * oa.ld) {
            // a shared right operand (x @ Wᵀ on [batch, time, in]): the batch's rows are one matrix
            if (dtype == DType.F32) {
                Gemm.sgemm(
                        false,
                        ob.trans,
                        batches * m,
                        n,
                        k,
                        oa.t.f,
                        offA[0],
                        oa.ld,
                        ob.t.f,
                        offB[0],
                        ob.ld,
                        out.f,
                        0,
                        n,
                        false);
            } else {
                Gemm.dgemm(
                        false,
                        ob.trans,
                        batches * m,
                        n,
                        k,
                        oa.t.d,
                        offA[0],
                        oa.ld,
                        ob.t.d,
                        offB[0],
                        ob.ld,
                        out.d,
                        0,
                        n,
                        false);
            }
        } else if (strideA != NOT_ARITHMETIC && strideB != NOT_ARITHMETIC) {
            if (dtype == DType.F32) {
                Gemm.sgemmBatched(
                        batches, oa.trans, ob.trans, m, n, k, oa.t.f, offA[0], oa.ld, strideA, ob.t.f, offB[0], ob.ld,
                        strideB, out.f, 0, n, cStride, false);
            } else {
                Gemm.dgemmBatched(
                        batches, oa.trans, ob.trans, m, n, k, oa.t.d, offA[0], oa.ld, strideA, ob.t.d, offB[0], ob.ld,
                        strideB, out.d, 0, n, cStride, false);
            }
        } else if (dtype == DType.F32) {
            float[] af = oa.t.f, bf = ob.t.f, cf = out.f;
            Parallelism.forChunks(batches, 1, (start, end) -> {
                for (int i = start; i < end; i++) {
                    Gemm.sgemm(
                            oa.trans,
                            ob.trans,
                            m,
                            n,
                            k,
                            af,
                            offA[i],
                            oa.ld,
                            bf,
                            offB[i],
                            ob.ld,
                            cf,
                            i * cStride,
                            n,
                            false);
                }
            });
        } else {
            for (int i = 0; i < batches; i++) {
                Gemm.dgemm(
                        oa.trans,
                        ob.trans,
                        m,
                        n,
                        k,
                        oa.t.d,
                        offA[i],
                        oa.ld,
                        ob.t.d,
                        offB[i],
                        ob.ld,
                        out.d,
                        i * cStride,
                        n,
                        false);
            }
        }
        return out;
    }

    /** The fp32 product with a 16-bit B: bit-identical to the product with B's fp32 widening. */
    private static void halfB(
            Operand oa,
            Operand ob,
            int batches,
            int m,
            int n,
            int k,
            int[] offA,
            int[] offB,
            int strideA,
            int strideB,
            Tensor out) {
        boolean bf16 = ob.t.dtype() == DType.BF16;
        if (batches > 1 && strideB == 0 && !oa.trans && strideA == m * oa.ld) {
            GemmDriver.sgemmHalfB(
                    GemmKernels.BEST,
                    false,
                    ob.trans,
                    batches * m,
                    n,
                    k,
                    oa.t.f,
                    offA[0],
                    oa.ld,
                    ob.t.h,
                    bf16,
                    offB[0],
                    ob.ld,
                    out.f,
                    0,
                    n,
                    false);
            return;
        }
        for (int i = 0; i < batches; i++) {
            GemmDriver.sgemmHalfB(
                    GemmKernels.BEST,
                    oa.trans,
                    ob.trans,
                    m,
                    n,
                    k,
                    oa.t.f,
                    offA[i],
                    oa.ld,
                    ob.t.h,
                    bf16,
                    offB[i],
                    ob.ld,
                    out.f,
                    i * m * n,
                    n,
                    false);
        }
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    private static final int NOT_ARITHMETIC = Integer.MIN_VALUE;

    /** The common difference of the offsets, or {@link #NOT_ARITHMETIC}. */
    private static int arithmeticStride(int[] offs) {
        if (offs.length < 2) return 0;
        int d = offs[1] - offs[0];
        if (d < 0) return NOT_ARITHMETIC;
        for (int i = 2; i < offs.length; i++) if (offs[i] - offs[i - 1] != d) return NOT_ARITHMETIC;
        return d;
    }

    /** Storage offset of each batch's matrix, batches in row-major order. */
    private static int[] batchOffsets(Tensor x, int[] batch) {
        int count = Shapes.numel(batch);
        int[] offs = new int[count];
        int[] idx = new int[batch.length];
        for (int i = 0; i < count; i++) {
            int o = x.offset;
            for (int ax = 0; ax < batch.length; ax++) o += idx[ax] * x.strides[ax];
            offs[i] = o;
            for (int ax = batch.length - 1; ax >= 0; ax--) {
                if (++idx[ax] < batch[ax]) break;
                idx[ax] = 0;
            }
        }
        return offs;
    }
}

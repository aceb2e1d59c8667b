package io.flexigpt.autograd;

import io.flexigpt.tensor.Gemm;
import io.flexigpt.tensor.RowKernels;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;

/**
 * The array arithmetic of the fused ops ({@link BlockAttention}, {@link VocabLoss}), once for fp32 ({@code float[]}: the
 * project's GEMM and vector kernels) and once for fp64 ({@code double[]}: plain loops, for gradient
 * checks). Every row method works on {@code n} consecutive elements; sums are taken in double.
 */
abstract class Precision<A> {
    static final Precision<float[]> F32 = new F32();
    static final Precision<double[]> F64 = new F64();

    abstract A alloc(int n);

    /** A dense row-major copy of {@code t}'s elements. */
    abstract A read(Tensor t);

    /** Wraps {@code a} (not copied) as a tensor of this precision. */
    abstract Tensor wrap(A a, int... shape);

    /** {@code C (+)= op(A) op(B)} with the layout of {@link Gemm#sgemm}. */
    abstract void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            A a,
            int aOff,
            int lda,
            A b,
            int bOff,
            int ldb,
            A c,
            int cOff,
            int ldc,
            boolean accumulate);

    abstract double max(A a, int off, int n);

    /** {@code out[j] = exp(x[j] - shift)}; returns the sum. */
    abstract double expShifted(A x, int xOff, A out, int outOff, int n, double shift);

    abstract double dot(A a, int aOff, A b, int bOff, int n);

    abstract void fill(A a, int from, int to, double value);

    abstract void scale(A a, int off, int n, double s);

    /** {@code a[index] += value}. */
    abstract void add(A a, int index, double value);

    /** {@code dst[j] += alpha * src[j]}. */
    abstract void addScaled(A dst, int dstOff, A src, int srcOff, int n, double alpha);

    /** {@code sum_j w[j] * (x[j] - y[j])} over the {@code j} where {@code w[j] != 0}, in double. */
    abstract double weightedDifference(A w, int wOff, A x, int xOff, A y, int yOff, int n);

    /** {@code g[j] = p[j] * (g[j] - delta)}: the softmax gradient of one row, in place. */
    abstract void softmaxGrad(A p, int pOff, A g, int gOff, int n, double delta);

    private static final class F32 extends Precision<float[]> {
        @Override
        float[] alloc(int n) {
            return new float[n];
        }

        @Override
        float[] read(Tensor t) {
            return t.toFloatArray();
        }

        @Override
        Tensor wrap(float[] a, int... shape) {
            return Tensor.of(a, shape);
        }

        @Override
        void gemm(
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
            Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }

        @Override
        double max(float[] a, int off, int n) {
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) m = Math.max(m, a[off + j]);
            return m;
        }

        @Override
        double expShifted(float[] x, int xOff, float[] out, int outOff, int n, double shift) {
            return RowKernels.expShifted(x, xOff, out, outOff, n, (float) shift);
        }

        @Override
        double dot(float[] a, int aOff, float[] b, int bOff, int n) {
            return RowKernels.dot(a, aOff, b, bOff, n);
        }

        @Override
        void fill(float[] a, int from, int to, double value) {
            Arrays.fill(a, from, to, (float) value);
        }

        @Override
        void scale(float[] a, int off, int n, double s) {
            float f = (float) s;
            for (int j = 0; j < n; j++) a[off + j] *= f;
        }

        @Override
        void add(float[] a, int index, double value) {
            a[index] += (float) value;
        }

        @Override
        void addScaled(float[] dst, int dstOff, float[] src, int srcOff, int n, double alpha) {
            float f = (float) alpha;
            for (int j = 0; j < n; j++) dst[dstOff + j] += f * src[srcOff + j];
        }

        @Override
        double weightedDifference(float[] w, int wOff, float[] x, int xOff, float[] y, int yOff, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                float wj = w[wOff + j];
                if (wj != 0) s += wj * ((double) x[xOff + j] - y[yOff + j]);
            }
            return s;
        }

        @Override
        void softmaxGrad(float[] p, int pOff, float[] g, int gOff, int n, double delta) {
            float d = (float) delta;
            for (int j = 0; j < n; j++) g[gOff + j] = p[pOff + j] * (g[gOff + j] - d);
        }
    }

    private static final class F64 extends Precision<double[]> {
        @Override
        double[] alloc(int n) {
            return new double[n];
        }

        @Override
        double[] read(Tensor t) {
            return t.toDoubleArray();
        }

        @Override
        Tensor wrap(double[] a, int... shape) {
            return Tensor.ofDouble(a, shape);
        }

        @Override
        void gemm(
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
            Gemm.dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }

        @Override
        double max(double[] a, int off, int n) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) m = Math.max(m, a[off + j]);
            return m;
        }

        @Override
        double expShifted(double[] x, int xOff, double[] out, int outOff, int n, double shift) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                double e = Math.exp(x[xOff + j] - shift);
                out[outOff + j] = e;
                sum += e;
            }
            return sum;
        }

        @Override
        double dot(double[] a, int aOff, double[] b, int bOff, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[aOff + j] * b[bOff + j];
            return s;
        }

        @Override
        void fill(double[] a, int from, int to, double value) {
            Arrays.fill(a, from, to, value);
        }

        @Override
        void scale(double[] a, int off, int n, double s) {
            for (int j = 0; j < n; j++) a[off + j] *= s;
        }

        @Override
        void add(double[] a, int index, double value) {
            a[index] += value;
        }

        @Override
        void addScaled(double[] dst, int dstOff, double[] src, int srcOff, int n, double alpha) {
            for (int j = 0; j < n; j++) dst[dstOff + j] += alpha * src[srcOff + j];
        }

        @Override
        double weightedDifference(double[] w, int wOff, double[] x, int xOff, double[] y, int yOff, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double wj = w[wOff + j];
                if (wj != 0) s += wj * (x[xOff + j] - y[yOff + j]);
            }
            return s;
        }

        @Override
        void softmaxGrad(double[] p, int pOff, double[] g, int gOff, int n, double delta) {
            for (int j = 0; j < n; j++) g[gOff + j] = p[pOff + j] * (g[gOff + j] - delta);
        }
    }
}

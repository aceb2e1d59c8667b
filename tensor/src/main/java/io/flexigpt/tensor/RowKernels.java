package io.flexigpt.tensor;

/**
 * Row kernels on raw fp32 arrays for fused ops built outside this package (blockwise attention, chunked
 * loss heads): the shifted exponential of softmax and a dot product, through the Vector API when present
 * (the same kernels as {@link Tensor#softmax}), with sums in double.
 */
public final class RowKernels {
    private RowKernels() {}

    /** Writes {@code o[oo + j] = exp(x[ox + j] - shift)} for {@code j < n} and returns their sum. */
    public static double expShifted(float[] x, int ox, float[] o, int oo, int n, float shift) {
        if (VectorSupport.AVAILABLE) return VectorSupport.expShifted(x, ox, o, oo, n, shift);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(x[ox + j] - shift);
            o[oo + j] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code sum_j x[ox + j] * y[oy + j]}, products accumulated in fp32 lanes and summed in double. */
    public static double dot(float[] x, int ox, float[] y, int oy, int n) {
        if (VectorSupport.AVAILABLE) return VectorSupport.dot(x, ox, y, oy, n);
        double s = 0;
        for (int j = 0; j < n; j++) s += (double) x[ox + j] * y[oy + j];
        return s;
    }
}

package io.flexigpt.tensor;

/** Plain-Java {@link GemmKernel}, used when the Vector API is absent. */
final class GemmScalarKernel extends GemmKernel {
    private static final int MR = 4;
    private static final int NR = 8;

    GemmScalarKernel() {
        super(MR, NR, 1);
    }

    @Override
    String describe() {
        return "scalar " + MR + "x" + NR + " (Vector API absent)";
    }

    @Override
    void tile(int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, int width, float[] c, int ci, int ldc, boolean overwrite) {
        float[] acc = new float[MR * NR];
        for (int p = 0; p < kc; p++) {
            int a = ai + p * aCol, b = bi + p * width;
            for (int r = 0; r < MR; r++) {
                float av = ap[a + r * aRow];
                for (int j = 0; j < width; j++) acc[r * NR + j] = Math.fma(av, bp[b + j], acc[r * NR + j]);
            }
        }
        for (int r = 0; r < MR; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < width; j++) c[row + j] = overwrite ? acc[r * NR + j] : c[row + j] + acc[r * NR + j];
        }
    }

    @Override
    void rowTimesMatrix(int kc, float[] x, int xi, int xs, float[] b, int bi, int ldb, float[] c, int ci, int cols,
                        boolean overwrite, float[] sums) {
        for (int j = 0; j < cols; j++) {
            float acc = 0f;
            for (int p = 0; p < kc; p++) acc = Math.fma(x[xi + p * xs], b[bi + p * ldb + j], acc);
            c[ci + j] = overwrite ? acc : c[ci + j] + acc;
        }
    }

    @Override
    void rowsDotVector(int k, float[] x, int xi, float[] b, int bi, int ldb, float[] c, int ci, int rows, boolean overwrite) {
        for (int j = 0; j < rows; j++) {
            float acc = 0f;
            int row = bi + j * ldb;
            for (int p = 0; p < k; p++) acc = Math.fma(x[xi + p], b[row + p], acc);
            c[ci + j] = overwrite ? acc : c[ci + j] + acc;
        }
    }
}

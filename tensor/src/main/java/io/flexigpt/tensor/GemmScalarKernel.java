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
    void tile(
            int kc,
            float[] ap,
            int ai,
            int aRow,
            int aCol,
            float[] bp,
            int bi,
            int width,
            float[] c,
            int ci,
            int ldc,
            boolean overwrite) {
        if (width == NR) fullTile(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc, overwrite);
        else narrowTile(kc, ap, ai, aRow, aCol, bp, bi, width, c, ci, ldc, overwrite);
    }

    /** A full 4x8 tile with its accumulators in locals, so they stay in registers. */
    private static void fullTile(
            int kc,
            float[] ap,
            int ai,
            int aRow,
            int aCol,
            float[] bp,
            int bi,
            float[] c,
            int ci,
            int ldc,
            boolean overwrite) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c04 = 0f, c05 = 0f, c06 = 0f, c07 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c14 = 0f, c15 = 0f, c16 = 0f, c17 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c24 = 0f, c25 = 0f, c26 = 0f, c27 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f, c34 = 0f, c35 = 0f, c36 = 0f, c37 = 0f;
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += NR) {
            float b0 = bp[b],
                    b1 = bp[b + 1],
                    b2 = bp[b + 2],
                    b3 = bp[b + 3],
                    b4 = bp[b + 4],
                    b5 = bp[b + 5],
                    b6 = bp[b + 6],
                    b7 = bp[b + 7];
            float a0 = ap[a];
            c00 = Math.fma(a0, b0, c00);
            c01 = Math.fma(a0, b1, c01);
            c02 = Math.fma(a0, b2, c02);
            c03 = Math.fma(a0, b3, c03);
            c04 = Math.fma(a0, b4, c04);
            c05 = Math.fma(a0, b5, c05);
            c06 = Math.fma(a0, b6, c06);
            c07 = Math.fma(a0, b7, c07);
            float a1 = ap[a + aRow];
            c10 = Math.fma(a1, b0, c10);
            c11 = Math.fma(a1, b1, c11);
            c12 = Math.fma(a1, b2, c12);
            c13 = Math.fma(a1, b3, c13);
            c14 = Math.fma(a1, b4, c14);
            c15 = Math.fma(a1, b5, c15);
            c16 = Math.fma(a1, b6, c16);
            c17 = Math.fma(a1, b7, c17);
            float a2 = ap[a + 2 * aRow];
            c20 = Math.fma(a2, b0, c20);
            c21 = Math.fma(a2, b1, c21);
            c22 = Math.fma(a2, b2, c22);
            c23 = Math.fma(a2, b3, c23);
            c24 = Math.fma(a2, b4, c24);
            c25 = Math.fma(a2, b5, c25);
            c26 = Math.fma(a2, b6, c26);
            c27 = Math.fma(a2, b7, c27);
            float a3 = ap[a + 3 * aRow];
            c30 = Math.fma(a3, b0, c30);
            c31 = Math.fma(a3, b1, c31);
            c32 = Math.fma(a3, b2, c32);
            c33 = Math.fma(a3, b3, c33);
            c34 = Math.fma(a3, b4, c34);
            c35 = Math.fma(a3, b5, c35);
            c36 = Math.fma(a3, b6, c36);
            c37 = Math.fma(a3, b7, c37);
        }
        if (overwrite) {
            store(c, ci, c00, c01, c02, c03, c04, c05, c06, c07);
            store(c, ci + ldc, c10, c11, c12, c13, c14, c15, c16, c17);
            store(c, ci + 2 * ldc, c20, c21, c22, c23, c24, c25, c26, c27);
            store(c, ci + 3 * ldc, c30, c31, c32, c33, c34, c35, c36, c37);
        } else {
            add(c, ci, c00, c01, c02, c03, c04, c05, c06, c07);
            add(c, ci + ldc, c10, c11, c12, c13, c14, c15, c16, c17);
            add(c, ci + 2 * ldc, c20, c21, c22, c23, c24, c25, c26, c27);
            add(c, ci + 3 * ldc, c30, c31, c32, c33, c34, c35, c36, c37);
        }
    }

    private static void store(
            float[] c, int at, float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        c[at] = v0;
        c[at + 1] = v1;
        c[at + 2] = v2;
        c[at + 3] = v3;
        c[at + 4] = v4;
        c[at + 5] = v5;
        c[at + 6] = v6;
        c[at + 7] = v7;
    }

    private static void add(
            float[] c, int at, float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        c[at] += v0;
        c[at + 1] += v1;
        c[at + 2] += v2;
        c[at + 3] += v3;
        c[at + 4] += v4;
        c[at + 5] += v5;
        c[at + 6] += v6;
        c[at + 7] += v7;
    }

    private static void narrowTile(
            int kc,
            float[] ap,
            int ai,
            int aRow,
            int aCol,
            float[] bp,
            int bi,
            int width,
            float[] c,
            int ci,
            int ldc,
            boolean overwrite) {
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
    void rowTimesMatrix(
            int kc,
            float[] x,
            int xi,
            int xs,
            float[] b,
            int bi,
            int ldb,
            float[] c,
            int ci,
            int cols,
            boolean overwrite,
            float[] sums) {
        for (int j = 0; j < cols; j++) {
            float acc = 0f;
            for (int p = 0; p < kc; p++) acc = Math.fma(x[xi + p * xs], b[bi + p * ldb + j], acc);
            c[ci + j] = overwrite ? acc : c[ci + j] + acc;
        }
    }

    @Override
    void rowsDotVector(
            int k, float[] x, int xi, float[] b, int bi, int ldb, float[] c, int ci, int rows, boolean overwrite) {
        for (int j = 0; j < rows; j++) {
            float acc = 0f;
            int row = bi + j * ldb;
            for (int p = 0; p < k; p++) acc = Math.fma(x[xi + p], b[row + p], acc);
            c[ci + j] = overwrite ? acc : c[ci + j] + acc;
        }
    }
}

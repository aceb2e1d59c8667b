package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Batched {@code C = op(A)·op(B)} in square tiles staged through local memory. A work-group of
 * {@code tile × tile/8} work-items computes one tile×tile block of C: per step it loads one tile of
 * A and one of B, synchronises, and every work-item accumulates eight outputs of its column (rows
 * {@code ly, ly + tile/8, ...}) in registers, reusing each loaded B value eight times. Ragged edges
 * load zeros, so any m, n, k works.
 */
final class MatmulKernel extends Kernel {
    /** Outputs per work-item (registers acc0..acc7). */
    static final int ROWS_PER_ITEM = 8;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    int m;
    int n;
    int k;
    int transA;
    int transB;
    int tile;
    @Local float[] tileA = new float[1];
    @Local float[] tileB = new float[1];

    void setTile(int side) {
        tile = side;
        tileA = new float[side * side];
        tileB = new float[side * side];
    }

    @Override
    public void run() {
        int col = getGlobalId(0);
        int batch = getGlobalId(2);
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int rowBase = getGroupId(1) * tile;
        int step = tile / 8;
        int aBase = batch * m * k;
        int bBase = batch * k * n;
        float acc0 = 0f;
        float acc1 = 0f;
        float acc2 = 0f;
        float acc3 = 0f;
        float acc4 = 0f;
        float acc5 = 0f;
        float acc6 = 0f;
        float acc7 = 0f;
        for (int t0 = 0; t0 < k; t0 += tile) {
            for (int w = 0; w < 8; w++) {
                int lr = ly + w * step;
                int row = rowBase + lr;
                int ak = t0 + lx;
                float av = 0f;
                if (row < m && ak < k) {
                    if (transA == 1) av = a[aBase + ak * m + row];
                    else av = a[aBase + row * k + ak];
                }
                tileA[lr * tile + lx] = av;
                int bk = t0 + lr;
                float bv = 0f;
                if (bk < k && col < n) {
                    if (transB == 1) bv = b[bBase + col * k + bk];
                    else bv = b[bBase + bk * n + col];
                }
                tileB[lr * tile + lx] = bv;
            }
            localBarrier();
            for (int p = 0; p < tile; p++) {
                float bv = tileB[p * tile + lx];
                acc0 += tileA[ly * tile + p] * bv;
                acc1 += tileA[(ly + step) * tile + p] * bv;
                acc2 += tileA[(ly + 2 * step) * tile + p] * bv;
                acc3 += tileA[(ly + 3 * step) * tile + p] * bv;
                acc4 += tileA[(ly + 4 * step) * tile + p] * bv;
                acc5 += tileA[(ly + 5 * step) * tile + p] * bv;
                acc6 += tileA[(ly + 6 * step) * tile + p] * bv;
                acc7 += tileA[(ly + 7 * step) * tile + p] * bv;
            }
            localBarrier();
        }
        if (col < n) {
            int cBase = batch * m * n + col;
            int row = rowBase + ly;
            if (row < m) c[cBase + row * n] = acc0;
            if (row + step < m) c[cBase + (row + step) * n] = acc1;
            if (row + 2 * step < m) c[cBase + (row + 2 * step) * n] = acc2;
            if (row + 3 * step < m) c[cBase + (row + 3 * step) * n] = acc3;
            if (row + 4 * step < m) c[cBase + (row + 4 * step) * n] = acc4;
            if (row + 5 * step < m) c[cBase + (row + 5 * step) * n] = acc5;
            if (row + 6 * step < m) c[cBase + (row + 6 * step) * n] = acc6;
            if (row + 7 * step < m) c[cBase + (row + 7 * step) * n] = acc7;
        }
    }
}

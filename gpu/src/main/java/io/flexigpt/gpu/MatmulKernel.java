package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Batched {@code C = op(A)·op(B)} in square tiles staged through local memory. A work-group of
 * {@code tile/8 × tile} work-items computes one tile×tile block of C: per step its items together
 * load one tile of A and one of B (eight consecutive elements apart, so neighbouring items read
 * neighbouring addresses), synchronise, and every work-item accumulates eight adjacent outputs of
 * its row in registers, reusing each loaded A value eight times. The eight updates touch adjacent
 * local addresses, which lets CPU OpenCL compilers turn them into one vector operation. Ragged edges
 * load zeros, so any m, n, k works.
 */
final class MatmulKernel extends Kernel {
    /** Outputs per work-item (registers acc0..acc7, adjacent columns). */
    static final int COLUMNS_PER_ITEM = 8;

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
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int batch = getGlobalId(2);
        int itemsPerRow = tile / 8;
        int rowBase = getGroupId(1) * tile;
        int colBase = getGroupId(0) * tile;
        int row = rowBase + ly;
        int col0 = colBase + lx * 8;
        int item = ly * itemsPerRow + lx;
        int groupItems = tile * itemsPerRow;
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
                int e = w * groupItems + item;
                int lr = e / tile;
                int lc = e % tile;
                int ar = rowBase + lr;
                int ak = t0 + lc;
                float av = 0f;
                if (ar < m && ak < k) {
                    if (transA == 1) av = a[aBase + ak * m + ar];
                    else av = a[aBase + ar * k + ak];
                }
                tileA[e] = av;
                int bk = t0 + lr;
                int bc = colBase + lc;
                float bv = 0f;
                if (bk < k && bc < n) {
                    if (transB == 1) bv = b[bBase + bc * k + bk];
                    else bv = b[bBase + bk * n + bc];
                }
                tileB[e] = bv;
            }
            localBarrier();
            for (int p = 0; p < tile; p++) {
                float av = tileA[ly * tile + p];
                int bi = p * tile + lx * 8;
                acc0 += av * tileB[bi];
                acc1 += av * tileB[bi + 1];
                acc2 += av * tileB[bi + 2];
                acc3 += av * tileB[bi + 3];
                acc4 += av * tileB[bi + 4];
                acc5 += av * tileB[bi + 5];
                acc6 += av * tileB[bi + 6];
                acc7 += av * tileB[bi + 7];
            }
            localBarrier();
        }
        if (row < m) {
            int ci = batch * m * n + row * n + col0;
            if (col0 < n) c[ci] = acc0;
            if (col0 + 1 < n) c[ci + 1] = acc1;
            if (col0 + 2 < n) c[ci + 2] = acc2;
            if (col0 + 3 < n) c[ci + 3] = acc3;
            if (col0 + 4 < n) c[ci + 4] = acc4;
            if (col0 + 5 < n) c[ci + 5] = acc5;
            if (col0 + 6 < n) c[ci + 6] = acc6;
            if (col0 + 7 < n) c[ci + 7] = acc7;
        }
    }
}

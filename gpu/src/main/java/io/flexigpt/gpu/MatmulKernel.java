package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Batched {@code C = op(A)·op(B)} in square tiles staged through local memory. A work-group of
 * {@code tile/8 × tile/4} work-items computes one tile×tile block of C: per step its items together
 * load one tile of A and one of B (consecutive items at consecutive addresses), synchronise, and every
 * work-item accumulates a 4×8 block of outputs (four rows, eight adjacent columns) in registers, so
 * each value read from local memory feeds four or eight multiply-adds. The eight updates of a row
 * touch adjacent local addresses, which lets CPU OpenCL compilers turn them into vector operations.
 * Ragged edges load zeros, so any m, n, k works.
 */
final class MatmulKernel extends Kernel {
    /** Output rows per work-item. */
    static final int ROWS_PER_ITEM = 4;
    /** Adjacent output columns per work-item. */
    static final int COLUMNS_PER_ITEM = 8;
    /** Outputs, and elements of each tile loaded, per work-item. */
    static final int OUTPUTS_PER_ITEM = ROWS_PER_ITEM * COLUMNS_PER_ITEM;
    /** Smallest tile side: one work-item's columns. */
    static final int MIN_TILE = COLUMNS_PER_ITEM;

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
        int rowBase = getGroupId(1) * tile;
        int colBase = getGroupId(0) * tile;
        int row0 = rowBase + ly * 4;
        int col0 = colBase + lx * 8;
        int item = ly * (tile / 8) + lx;
        int groupItems = tile * tile / 32;
        int aBase = batch * m * k;
        int bBase = batch * k * n;
        int cBase = batch * m * n;
        float acc00 = 0f;
        float acc01 = 0f;
        float acc02 = 0f;
        float acc03 = 0f;
        float acc04 = 0f;
        float acc05 = 0f;
        float acc06 = 0f;
        float acc07 = 0f;
        float acc10 = 0f;
        float acc11 = 0f;
        float acc12 = 0f;
        float acc13 = 0f;
        float acc14 = 0f;
        float acc15 = 0f;
        float acc16 = 0f;
        float acc17 = 0f;
        float acc20 = 0f;
        float acc21 = 0f;
        float acc22 = 0f;
        float acc23 = 0f;
        float acc24 = 0f;
        float acc25 = 0f;
        float acc26 = 0f;
        float acc27 = 0f;
        float acc30 = 0f;
        float acc31 = 0f;
        float acc32 = 0f;
        float acc33 = 0f;
        float acc34 = 0f;
        float acc35 = 0f;
        float acc36 = 0f;
        float acc37 = 0f;
        for (int t0 = 0; t0 < k; t0 += tile) {
            for (int w = 0; w < 32; w++) {
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
                int ai = ly * 4 * tile + p;
                int bi = p * tile + lx * 8;
                float a0 = tileA[ai];
                float a1 = tileA[ai + 1 * tile];
                float a2 = tileA[ai + 2 * tile];
                float a3 = tileA[ai + 3 * tile];
                float b0 = tileB[bi];
                float b1 = tileB[bi + 1];
                float b2 = tileB[bi + 2];
                float b3 = tileB[bi + 3];
                float b4 = tileB[bi + 4];
                float b5 = tileB[bi + 5];
                float b6 = tileB[bi + 6];
                float b7 = tileB[bi + 7];
                acc00 += a0 * b0; acc01 += a0 * b1; acc02 += a0 * b2; acc03 += a0 * b3; acc04 += a0 * b4; acc05 += a0 * b5; acc06 += a0 * b6; acc07 += a0 * b7;
                acc10 += a1 * b0; acc11 += a1 * b1; acc12 += a1 * b2; acc13 += a1 * b3; acc14 += a1 * b4; acc15 += a1 * b5; acc16 += a1 * b6; acc17 += a1 * b7;
                acc20 += a2 * b0; acc21 += a2 * b1; acc22 += a2 * b2; acc23 += a2 * b3; acc24 += a2 * b4; acc25 += a2 * b5; acc26 += a2 * b6; acc27 += a2 * b7;
                acc30 += a3 * b0; acc31 += a3 * b1; acc32 += a3 * b2; acc33 += a3 * b3; acc34 += a3 * b4; acc35 += a3 * b5; acc36 += a3 * b6; acc37 += a3 * b7;
            }
            localBarrier();
        }
        if (row0 + 0 < m) {
            int ci = cBase + (row0 + 0) * n + col0;
            if (col0 < n) c[ci] = acc00;
            if (col0 + 1 < n) c[ci + 1] = acc01;
            if (col0 + 2 < n) c[ci + 2] = acc02;
            if (col0 + 3 < n) c[ci + 3] = acc03;
            if (col0 + 4 < n) c[ci + 4] = acc04;
            if (col0 + 5 < n) c[ci + 5] = acc05;
            if (col0 + 6 < n) c[ci + 6] = acc06;
            if (col0 + 7 < n) c[ci + 7] = acc07;
        }
        if (row0 + 1 < m) {
            int ci = cBase + (row0 + 1) * n + col0;
            if (col0 < n) c[ci] = acc10;
            if (col0 + 1 < n) c[ci + 1] = acc11;
            if (col0 + 2 < n) c[ci + 2] = acc12;
            if (col0 + 3 < n) c[ci + 3] = acc13;
            if (col0 + 4 < n) c[ci + 4] = acc14;
            if (col0 + 5 < n) c[ci + 5] = acc15;
            if (col0 + 6 < n) c[ci + 6] = acc16;
            if (col0 + 7 < n) c[ci + 7] = acc17;
        }
        if (row0 + 2 < m) {
            int ci = cBase + (row0 + 2) * n + col0;
            if (col0 < n) c[ci] = acc20;
            if (col0 + 1 < n) c[ci + 1] = acc21;
            if (col0 + 2 < n) c[ci + 2] = acc22;
            if (col0 + 3 < n) c[ci + 3] = acc23;
            if (col0 + 4 < n) c[ci + 4] = acc24;
            if (col0 + 5 < n) c[ci + 5] = acc25;
            if (col0 + 6 < n) c[ci + 6] = acc26;
            if (col0 + 7 < n) c[ci + 7] = acc27;
        }
        if (row0 + 3 < m) {
            int ci = cBase + (row0 + 3) * n + col0;
            if (col0 < n) c[ci] = acc30;
            if (col0 + 1 < n) c[ci + 1] = acc31;
            if (col0 + 2 < n) c[ci + 2] = acc32;
            if (col0 + 3 < n) c[ci + 3] = acc33;
            if (col0 + 4 < n) c[ci + 4] = acc34;
            if (col0 + 5 < n) c[ci + 5] = acc35;
            if (col0 + 6 < n) c[ci + 6] = acc36;
            if (col0 + 7 < n) c[ci + 7] = acc37;
        }
    }
}

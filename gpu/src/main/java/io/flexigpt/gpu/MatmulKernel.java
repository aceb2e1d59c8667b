package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Batched {@code C = op(A)·op(B)} in square tiles staged through local memory. Work-item (x, y, z)
 * computes C[z][y][x]; its work-group loads one tile of A and one of B per step, synchronises, and
 * accumulates from local memory. Ragged edges load zeros, so any m, n, k works.
 */
final class MatmulKernel extends Kernel {
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
        int row = getGlobalId(1);
        int batch = getGlobalId(2);
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int aBase = batch * m * k;
        int bBase = batch * k * n;
        float acc = 0f;
        for (int t0 = 0; t0 < k; t0 += tile) {
            int ak = t0 + lx;
            float av = 0f;
            if (row < m && ak < k) {
                if (transA == 1) av = a[aBase + ak * m + row];
                else av = a[aBase + row * k + ak];
            }
            tileA[ly * tile + lx] = av;
            int bk = t0 + ly;
            float bv = 0f;
            if (bk < k && col < n) {
                if (transB == 1) bv = b[bBase + col * k + bk];
                else bv = b[bBase + bk * n + col];
            }
            tileB[ly * tile + lx] = bv;
            localBarrier();
            for (int p = 0; p < tile; p++) acc += tileA[ly * tile + p] * tileB[p * tile + lx];
            localBarrier();
        }
        if (row < m && col < n) c[batch * m * n + row * n + col] = acc;
    }
}

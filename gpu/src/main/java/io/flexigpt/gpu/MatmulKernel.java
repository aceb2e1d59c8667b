package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Batched {@code C = op(A)·op(B)} in square tiles staged through local memory. A work-group of
 * {@code tile/8 × tile/8} work-items computes one tile×tile block of C; work-item {@code (x, y)}
 * owns the 8×8 outputs at tile rows {@code y + i·tile/8} and columns {@code x + j·tile/8}, kept in
 * registers. Per step the items load one tile of A and one of B, element {@code (y + i·tile/8, x +
 * j·tile/8)} each, synchronise, and each value read from local memory feeds eight multiply-adds.
 * Neighbouring work-items (along x) always touch neighbouring addresses, in global and in local
 * memory (coalesced loads and stores, no local-memory bank conflicts on GPUs). On PoCL this layout
 * and one with eight adjacent columns per item measured the same, 9–12 GFLOPS on two loaded cores:
 * PoCL vectorises across work-items but keeps the accumulators in per-item memory. Ragged edges
 * load zeros, so any m, n, k works.
 */
final class MatmulKernel extends Kernel {
    /** Output rows per work-item. */
    static final int ROWS_PER_ITEM = 8;
    /** Output columns per work-item. */
    static final int COLUMNS_PER_ITEM = 8;
    /** Outputs, and elements of each tile loaded, per work-item. */
    static final int OUTPUTS_PER_ITEM = ROWS_PER_ITEM * COLUMNS_PER_ITEM;
    /** Smallest tile side: one work-item. */
    static final int MIN_TILE = COLUMNS_PER_ITEM;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    int m;
    int n;
    int k;
    int transA;
    int transB;
    /** Where matrix 0 of B starts in {@link #b} (a slice of the packed weights). */
    int bOffset;

    int tile;

    @Local
    float[] tileA = new float[1];

    @Local
    float[] tileB = new float[1];

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
        int items = tile / 8;
        int rowBase = getGroupId(1) * tile;
        int colBase = getGroupId(0) * tile;
        int col = colBase + lx;
        int aBase = batch * m * k;
        int bBase = bOffset + batch * k * n;
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
        float acc40 = 0f;
        float acc41 = 0f;
        float acc42 = 0f;
        float acc43 = 0f;
        float acc44 = 0f;
        float acc45 = 0f;
        float acc46 = 0f;
        float acc47 = 0f;
        float acc50 = 0f;
        float acc51 = 0f;
        float acc52 = 0f;
        float acc53 = 0f;
        float acc54 = 0f;
        float acc55 = 0f;
        float acc56 = 0f;
        float acc57 = 0f;
        float acc60 = 0f;
        float acc61 = 0f;
        float acc62 = 0f;
        float acc63 = 0f;
        float acc64 = 0f;
        float acc65 = 0f;
        float acc66 = 0f;
        float acc67 = 0f;
        float acc70 = 0f;
        float acc71 = 0f;
        float acc72 = 0f;
        float acc73 = 0f;
        float acc74 = 0f;
        float acc75 = 0f;
        float acc76 = 0f;
        float acc77 = 0f;
        for (int t0 = 0; t0 < k; t0 += tile) {
            for (int w = 0;
                    w < 64;
                    w++) { // one loop, not two nested: PoCL 3.1's region builder asserts on the nested form
                int r = ly + (w >> 3) * items;
                int cc = lx + (w & 7) * items;
                int ar = rowBase + r;
                int ak = t0 + cc;
                float av = 0f;
                if (ar < m && ak < k) {
                    if (transA == 1) av = a[aBase + ak * m + ar];
                    else av = a[aBase + ar * k + ak];
                }
                tileA[r * tile + cc] = av;
                int bk = t0 + r;
                int bc = colBase + cc;
                float bv = 0f;
                if (bk < k && bc < n) {
                    if (transB == 1) bv = b[bBase + bc * k + bk];
                    else bv = b[bBase + bk * n + bc];
                }
                tileB[r * tile + cc] = bv;
            }
            localBarrier();
            for (int p = 0; p < tile; p++) {
                int bi = p * tile + lx;
                float a0 = tileA[(ly + 0 * items) * tile + p];
                float a1 = tileA[(ly + 1 * items) * tile + p];
                float a2 = tileA[(ly + 2 * items) * tile + p];
                float a3 = tileA[(ly + 3 * items) * tile + p];
                float a4 = tileA[(ly + 4 * items) * tile + p];
                float a5 = tileA[(ly + 5 * items) * tile + p];
                float a6 = tileA[(ly + 6 * items) * tile + p];
                float a7 = tileA[(ly + 7 * items) * tile + p];
                float b0 = tileB[bi + 0 * items];
                float b1 = tileB[bi + 1 * items];
                float b2 = tileB[bi + 2 * items];
                float b3 = tileB[bi + 3 * items];
                float b4 = tileB[bi + 4 * items];
                float b5 = tileB[bi + 5 * items];
                float b6 = tileB[bi + 6 * items];
                float b7 = tileB[bi + 7 * items];
                acc00 += a0 * b0;
                acc01 += a0 * b1;
                acc02 += a0 * b2;
                acc03 += a0 * b3;
                acc04 += a0 * b4;
                acc05 += a0 * b5;
                acc06 += a0 * b6;
                acc07 += a0 * b7;
                acc10 += a1 * b0;
                acc11 += a1 * b1;
                acc12 += a1 * b2;
                acc13 += a1 * b3;
                acc14 += a1 * b4;
                acc15 += a1 * b5;
                acc16 += a1 * b6;
                acc17 += a1 * b7;
                acc20 += a2 * b0;
                acc21 += a2 * b1;
                acc22 += a2 * b2;
                acc23 += a2 * b3;
                acc24 += a2 * b4;
                acc25 += a2 * b5;
                acc26 += a2 * b6;
                acc27 += a2 * b7;
                acc30 += a3 * b0;
                acc31 += a3 * b1;
                acc32 += a3 * b2;
                acc33 += a3 * b3;
                acc34 += a3 * b4;
                acc35 += a3 * b5;
                acc36 += a3 * b6;
                acc37 += a3 * b7;
                acc40 += a4 * b0;
                acc41 += a4 * b1;
                acc42 += a4 * b2;
                acc43 += a4 * b3;
                acc44 += a4 * b4;
                acc45 += a4 * b5;
                acc46 += a4 * b6;
                acc47 += a4 * b7;
                acc50 += a5 * b0;
                acc51 += a5 * b1;
                acc52 += a5 * b2;
                acc53 += a5 * b3;
                acc54 += a5 * b4;
                acc55 += a5 * b5;
                acc56 += a5 * b6;
                acc57 += a5 * b7;
                acc60 += a6 * b0;
                acc61 += a6 * b1;
                acc62 += a6 * b2;
                acc63 += a6 * b3;
                acc64 += a6 * b4;
                acc65 += a6 * b5;
                acc66 += a6 * b6;
                acc67 += a6 * b7;
                acc70 += a7 * b0;
                acc71 += a7 * b1;
                acc72 += a7 * b2;
                acc73 += a7 * b3;
                acc74 += a7 * b4;
                acc75 += a7 * b5;
                acc76 += a7 * b6;
                acc77 += a7 * b7;
            }
            localBarrier();
        }
        if (rowBase + ly + 0 * items < m) {
            int ci = cBase + (rowBase + ly + 0 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc00;
            if (col + 1 * items < n) c[ci + 1 * items] = acc01;
            if (col + 2 * items < n) c[ci + 2 * items] = acc02;
            if (col + 3 * items < n) c[ci + 3 * items] = acc03;
            if (col + 4 * items < n) c[ci + 4 * items] = acc04;
            if (col + 5 * items < n) c[ci + 5 * items] = acc05;
            if (col + 6 * items < n) c[ci + 6 * items] = acc06;
            if (col + 7 * items < n) c[ci + 7 * items] = acc07;
        }
        if (rowBase + ly + 1 * items < m) {
            int ci = cBase + (rowBase + ly + 1 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc10;
            if (col + 1 * items < n) c[ci + 1 * items] = acc11;
            if (col + 2 * items < n) c[ci + 2 * items] = acc12;
            if (col + 3 * items < n) c[ci + 3 * items] = acc13;
            if (col + 4 * items < n) c[ci + 4 * items] = acc14;
            if (col + 5 * items < n) c[ci + 5 * items] = acc15;
            if (col + 6 * items < n) c[ci + 6 * items] = acc16;
            if (col + 7 * items < n) c[ci + 7 * items] = acc17;
        }
        if (rowBase + ly + 2 * items < m) {
            int ci = cBase + (rowBase + ly + 2 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc20;
            if (col + 1 * items < n) c[ci + 1 * items] = acc21;
            if (col + 2 * items < n) c[ci + 2 * items] = acc22;
            if (col + 3 * items < n) c[ci + 3 * items] = acc23;
            if (col + 4 * items < n) c[ci + 4 * items] = acc24;
            if (col + 5 * items < n) c[ci + 5 * items] = acc25;
            if (col + 6 * items < n) c[ci + 6 * items] = acc26;
            if (col + 7 * items < n) c[ci + 7 * items] = acc27;
        }
        if (rowBase + ly + 3 * items < m) {
            int ci = cBase + (rowBase + ly + 3 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc30;
            if (col + 1 * items < n) c[ci + 1 * items] = acc31;
            if (col + 2 * items < n) c[ci + 2 * items] = acc32;
            if (col + 3 * items < n) c[ci + 3 * items] = acc33;
            if (col + 4 * items < n) c[ci + 4 * items] = acc34;
            if (col + 5 * items < n) c[ci + 5 * items] = acc35;
            if (col + 6 * items < n) c[ci + 6 * items] = acc36;
            if (col + 7 * items < n) c[ci + 7 * items] = acc37;
        }
        if (rowBase + ly + 4 * items < m) {
            int ci = cBase + (rowBase + ly + 4 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc40;
            if (col + 1 * items < n) c[ci + 1 * items] = acc41;
            if (col + 2 * items < n) c[ci + 2 * items] = acc42;
            if (col + 3 * items < n) c[ci + 3 * items] = acc43;
            if (col + 4 * items < n) c[ci + 4 * items] = acc44;
            if (col + 5 * items < n) c[ci + 5 * items] = acc45;
            if (col + 6 * items < n) c[ci + 6 * items] = acc46;
            if (col + 7 * items < n) c[ci + 7 * items] = acc47;
        }
        if (rowBase + ly + 5 * items < m) {
            int ci = cBase + (rowBase + ly + 5 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc50;
            if (col + 1 * items < n) c[ci + 1 * items] = acc51;
            if (col + 2 * items < n) c[ci + 2 * items] = acc52;
            if (col + 3 * items < n) c[ci + 3 * items] = acc53;
            if (col + 4 * items < n) c[ci + 4 * items] = acc54;
            if (col + 5 * items < n) c[ci + 5 * items] = acc55;
            if (col + 6 * items < n) c[ci + 6 * items] = acc56;
            if (col + 7 * items < n) c[ci + 7 * items] = acc57;
        }
        if (rowBase + ly + 6 * items < m) {
            int ci = cBase + (rowBase + ly + 6 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc60;
            if (col + 1 * items < n) c[ci + 1 * items] = acc61;
            if (col + 2 * items < n) c[ci + 2 * items] = acc62;
            if (col + 3 * items < n) c[ci + 3 * items] = acc63;
            if (col + 4 * items < n) c[ci + 4 * items] = acc64;
            if (col + 5 * items < n) c[ci + 5 * items] = acc65;
            if (col + 6 * items < n) c[ci + 6 * items] = acc66;
            if (col + 7 * items < n) c[ci + 7 * items] = acc67;
        }
        if (rowBase + ly + 7 * items < m) {
            int ci = cBase + (rowBase + ly + 7 * items) * n + col;
            if (col + 0 * items < n) c[ci + 0 * items] = acc70;
            if (col + 1 * items < n) c[ci + 1 * items] = acc71;
            if (col + 2 * items < n) c[ci + 2 * items] = acc72;
            if (col + 3 * items < n) c[ci + 3 * items] = acc73;
            if (col + 4 * items < n) c[ci + 4 * items] = acc74;
            if (col + 5 * items < n) c[ci + 5 * items] = acc75;
            if (col + 6 * items < n) c[ci + 6 * items] = acc76;
            if (col + 7 * items < n) c[ci + 7 * items] = acc77;
        }
    }
}

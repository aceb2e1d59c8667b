package io.flexigpt.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmKernel} on the Vector API: a 6-row by 3-vector register tile fed by broadcast A values
 * and vector loads of packed B, fused multiply-add throughout. Loaded only after
 * {@link VectorSupport#AVAILABLE} confirmed the incubator module, through {@link #create()}.
 */
final class GemmVectorKernel extends GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    private static final int MR = 6;
    private static final int VECTORS = 3;

    /** Whether four dot products can be finished together on whole vectors (at least four lanes). */
    private static final boolean QUAD_TREE = W >= 4 && Integer.bitCount(W) == 1;
    /** {@code SWAP[i]} exchanges lane l with lane {@code l ^ (W >> (i + 1))}. */
    private static final VectorShuffle<Float>[] SWAP = swaps();

    private static final VectorShuffle<Float> SWAP0 = swap(0), SWAP1 = swap(1), SWAP2 = swap(2), SWAP3 = swap(3);
    /** Lanes of the upper half; lanes of the second and fourth quarters. */
    private static final VectorMask<Float> UPPER_HALF = laneMask(l -> l >= W / 2),
            ODD_QUARTERS = laneMask(l -> (l / Math.max(1, W / 4)) % 2 == 1);

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        int steps = Integer.numberOfTrailingZeros(W);
        VectorShuffle<Float>[] out = new VectorShuffle[Math.max(steps, 0)];
        for (int i = 0; i < steps; i++) {
            int h = W >> (i + 1);
            out[i] = VectorShuffle.fromOp(S, l -> l ^ h);
        }
        return out;
    }

    private static VectorShuffle<Float> swap(int i) {
        return i < SWAP.length ? SWAP[i] : null;
    }

    private static VectorMask<Float> laneMask(java.util.function.IntPredicate lane) {
        boolean[] bits = new boolean[W];
        for (int l = 0; l < W; l++) bits[l] = lane.test(l);
        return VectorMask.fromArray(S, bits, 0);
    }

    private GemmVectorKernel() {
        super(MR, VECTORS * W, W);
    }

    static GemmKernel create() {
        return new GemmVectorKernel();
    }

    @Override
    String describe() {
        return "vector " + MR + "x" + (VECTORS * W) + " (" + S.vectorBitSize() + "-bit FMA)";
    }

    /**
     * Dispatches to a tile routine specialised for the width and for storing versus adding: the
     * accumulators are stored inline, since a helper taking them as arguments would box them, and
     * a store/add branch after the hot loop would be compiled for whichever case came first and
     * deoptimise the loop when the other arrives.
     */
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
        if (overwrite) {
            if (width == 3 * W) set3(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
            else if (width == 2 * W) set2(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
            else set1(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
        } else {
            if (width == 3 * W) add3(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
            else if (width == 2 * W) add2(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
            else add1(kc, ap, ai, aRow, aCol, bp, bi, c, ci, ldc);
        }
    }

    private static void set3(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c01 = FloatVector.zero(S),
                c02 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c11 = FloatVector.zero(S),
                c12 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c21 = FloatVector.zero(S),
                c22 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c31 = FloatVector.zero(S),
                c32 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c41 = FloatVector.zero(S),
                c42 = FloatVector.zero(S),
                c50 = FloatVector.zero(S),
                c51 = FloatVector.zero(S),
                c52 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += 3 * W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + W);
            FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * W);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            c42 = b2.fma(a4, c42);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            c52 = b2.fma(a5, c52);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + W);
        c02.intoArray(c, ci + 2 * W);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + W);
        c12.intoArray(c, ci + ldc + 2 * W);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + W);
        c22.intoArray(c, ci + 2 * ldc + 2 * W);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + W);
        c32.intoArray(c, ci + 3 * ldc + 2 * W);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + W);
        c42.intoArray(c, ci + 4 * ldc + 2 * W);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + W);
        c52.intoArray(c, ci + 5 * ldc + 2 * W);
    }

    private static void set2(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S),
                c51 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += 2 * W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + W);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + W);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + W);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + W);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + W);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + W);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + W);
    }

    private static void set1(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c50 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
        }
        c00.intoArray(c, ci);
        c10.intoArray(c, ci + ldc);
        c20.intoArray(c, ci + 2 * ldc);
        c30.intoArray(c, ci + 3 * ldc);
        c40.intoArray(c, ci + 4 * ldc);
        c50.intoArray(c, ci + 5 * ldc);
    }

    private static void add3(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c01 = FloatVector.zero(S),
                c02 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c11 = FloatVector.zero(S),
                c12 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c21 = FloatVector.zero(S),
                c22 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c31 = FloatVector.zero(S),
                c32 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c41 = FloatVector.zero(S),
                c42 = FloatVector.zero(S),
                c50 = FloatVector.zero(S),
                c51 = FloatVector.zero(S),
                c52 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += 3 * W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + W);
            FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * W);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            c42 = b2.fma(a4, c42);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            c52 = b2.fma(a5, c52);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + W)).intoArray(c, ci + W);
        c02.add(FloatVector.fromArray(S, c, ci + 2 * W)).intoArray(c, ci + 2 * W);
        c10.add(FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c11.add(FloatVector.fromArray(S, c, ci + ldc + W)).intoArray(c, ci + ldc + W);
        c12.add(FloatVector.fromArray(S, c, ci + ldc + 2 * W)).intoArray(c, ci + ldc + 2 * W);
        c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + W)).intoArray(c, ci + 2 * ldc + W);
        c22.add(FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * W)).intoArray(c, ci + 2 * ldc + 2 * W);
        c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + W)).intoArray(c, ci + 3 * ldc + W);
        c32.add(FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * W)).intoArray(c, ci + 3 * ldc + 2 * W);
        c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
        c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + W)).intoArray(c, ci + 4 * ldc + W);
        c42.add(FloatVector.fromArray(S, c, ci + 4 * ldc + 2 * W)).intoArray(c, ci + 4 * ldc + 2 * W);
        c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
        c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + W)).intoArray(c, ci + 5 * ldc + W);
        c52.add(FloatVector.fromArray(S, c, ci + 5 * ldc + 2 * W)).intoArray(c, ci + 5 * ldc + 2 * W);
    }

    private static void add2(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S),
                c51 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += 2 * W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + W);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + W)).intoArray(c, ci + W);
        c10.add(FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c11.add(FloatVector.fromArray(S, c, ci + ldc + W)).intoArray(c, ci + ldc + W);
        c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + W)).intoArray(c, ci + 2 * ldc + W);
        c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + W)).intoArray(c, ci + 3 * ldc + W);
        c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
        c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + W)).intoArray(c, ci + 4 * ldc + W);
        c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
        c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + W)).intoArray(c, ci + 5 * ldc + W);
    }

    private static void add1(
            int kc, float[] ap, int ai, int aRow, int aCol, float[] bp, int bi, float[] c, int ci, int ldc) {
        int o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S),
                c10 = FloatVector.zero(S),
                c20 = FloatVector.zero(S),
                c30 = FloatVector.zero(S),
                c40 = FloatVector.zero(S),
                c50 = FloatVector.zero(S);
        for (int p = 0, a = ai, b = bi; p < kc; p++, a += aCol, b += W) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + o1]);
            c10 = b0.fma(a1, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + o2]);
            c20 = b0.fma(a2, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + o3]);
            c30 = b0.fma(a3, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + o4]);
            c40 = b0.fma(a4, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + o5]);
            c50 = b0.fma(a5, c50);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c10.add(FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
        c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
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
        Arrays.fill(sums, 0, cols, 0f);
        int bound = S.loopBound(cols), p = 0;
        for (; p + 4 <= kc; p += 4) {
            float x0 = x[xi + p * xs], x1 = x[xi + (p + 1) * xs], x2 = x[xi + (p + 2) * xs], x3 = x[xi + (p + 3) * xs];
            FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
            FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
            int r0 = bi + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < bound; j += W) {
                FloatVector s = FloatVector.fromArray(S, sums, j);
                s = FloatVector.fromArray(S, b, r0 + j).fma(v0, s);
                s = FloatVector.fromArray(S, b, r1 + j).fma(v1, s);
                s = FloatVector.fromArray(S, b, r2 + j).fma(v2, s);
                s = FloatVector.fromArray(S, b, r3 + j).fma(v3, s);
                s.intoArray(sums, j);
            }
            for (int j = bound; j < cols; j++) {
                sums[j] = Math.fma(
                        x3,
                        b[r3 + j],
                        Math.fma(x2, b[r2 + j], Math.fma(x1, b[r1 + j], Math.fma(x0, b[r0 + j], sums[j]))));
            }
        }
        for (; p < kc; p++) {
            float x0 = x[xi + p * xs];
            FloatVector v0 = FloatVector.broadcast(S, x0);
            int r0 = bi + p * ldb;
            for (int j = 0; j < bound; j += W)
                FloatVector.fromArray(S, b, r0 + j)
                        .fma(v0, FloatVector.fromArray(S, sums, j))
                        .intoArray(sums, j);
            for (int j = bound; j < cols; j++) sums[j] = Math.fma(x0, b[r0 + j], sums[j]);
        }
        if (overwrite) {
            System.arraycopy(sums, 0, c, ci, cols);
        } else {
            for (int j = 0; j < bound; j += W)
                FloatVector.fromArray(S, c, ci + j)
                        .add(FloatVector.fromArray(S, sums, j))
                        .intoArray(c, ci + j);
            for (int j = bound; j < cols; j++) c[ci + j] += sums[j];
        }
    }

    @Override
    void rowsDotVector(
            int k, float[] x, int xi, float[] b, int bi, int ldb, float[] c, int ci, int rows, boolean overwrite) {
        int bound = S.loopBound(k);
        float[] scratch = new float[W];
        int j = 0;
        for (; j + 4 <= rows; j += 4) {
            int r0 = bi + j * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            FloatVector s0 = FloatVector.zero(S),
                    s1 = FloatVector.zero(S),
                    s2 = FloatVector.zero(S),
                    s3 = FloatVector.zero(S);
            for (int p = 0; p < bound; p += W) {
                FloatVector xv = FloatVector.fromArray(S, x, xi + p);
                s0 = FloatVector.fromArray(S, b, r0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, r1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, r2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, r3 + p).fma(xv, s3);
            }
            if (QUAD_TREE) {
                // the four lane sums by the same pairwise tree as finishDot, on whole vectors: halve
                // each accumulator, pack two rows per vector, halve again, pack four, then finish
                // the tree inside each quarter (lane l added to lane l ^ h: the same additions)
                s0 = s0.add(s0.rearrange(SWAP0));
                s1 = s1.add(s1.rearrange(SWAP0));
                s2 = s2.add(s2.rearrange(SWAP0));
                s3 = s3.add(s3.rearrange(SWAP0));
                FloatVector t01 = s0.blend(s1, UPPER_HALF), t23 = s2.blend(s3, UPPER_HALF);
                t01 = t01.add(t01.rearrange(SWAP1));
                t23 = t23.add(t23.rearrange(SWAP1));
                FloatVector q = t01.blend(t23, ODD_QUARTERS);
                // constant shuffles for up to 16 lanes (the JIT wants them constant), a loop beyond
                if (W >= 8) q = q.add(q.rearrange(SWAP2));
                if (W >= 16) q = q.add(q.rearrange(SWAP3));
                for (int h = 4; h < SWAP.length; h++) q = q.add(q.rearrange(SWAP[h]));
                float q0 = q.lane(0), q2 = q.lane(W / 4), q1 = q.lane(W / 2), q3 = q.lane(3 * W / 4);
                for (int p = bound; p < k; p++) {
                    float xp = x[xi + p];
                    q0 = Math.fma(xp, b[r0 + p], q0);
                    q1 = Math.fma(xp, b[r1 + p], q1);
                    q2 = Math.fma(xp, b[r2 + p], q2);
                    q3 = Math.fma(xp, b[r3 + p], q3);
                }
                int at = ci + j;
                if (overwrite) {
                    c[at] = q0;
                    c[at + 1] = q1;
                    c[at + 2] = q2;
                    c[at + 3] = q3;
                } else {
                    c[at] += q0;
                    c[at + 1] += q1;
                    c[at + 2] += q2;
                    c[at + 3] += q3;
                }
                continue;
            }
            finishDot(s0, scratch, k, bound, x, xi, b, r0, c, ci + j, overwrite);
            finishDot(s1, scratch, k, bound, x, xi, b, r1, c, ci + j + 1, overwrite);
            finishDot(s2, scratch, k, bound, x, xi, b, r2, c, ci + j + 2, overwrite);
            finishDot(s3, scratch, k, bound, x, xi, b, r3, c, ci + j + 3, overwrite);
        }
        for (; j < rows; j++) {
            int r = bi + j * ldb;
            FloatVector s = FloatVector.zero(S);
            for (int p = 0; p < bound; p += W)
                s = FloatVector.fromArray(S, b, r + p).fma(FloatVector.fromArray(S, x, xi + p), s);
            finishDot(s, scratch, k, bound, x, xi, b, r, c, ci + j, overwrite);
        }
    }

    private static void finishDot(
            FloatVector lanes,
            float[] scratch,
            int k,
            int bound,
            float[] x,
            int xi,
            float[] b,
            int row,
            float[] c,
            int at,
            boolean overwrite) {
        // lanes summed in a fixed order through memory: reduceLanes may reorder (and does differ once
        // compiled), and lane(i) with a variable index is not intrinsified
        // a pairwise tree (halves added lane by lane): a fixed order, and a short dependency chain
        lanes.intoArray(scratch, 0);
        for (int h = scratch.length >> 1; h > 0; h >>= 1) {
            for (int l = 0; l < h; l++) scratch[l] += scratch[l + h];
        }
        float s = scratch[0];
        for (int p = bound; p < k; p++) s = Math.fma(x[xi + p], b[row + p], s);
        c[at] = overwrite ? s : c[at] + s;
    }

    /** Shorts of the same lane count as {@link #S}, to widen BF16 bits a vector at a time. */
    private static final VectorSpecies<Short> HALVES =
            VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, W * 16)));

    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    private static final boolean WIDEN_VECTOR = HALVES.length() == W && INTS.length() == W;

    @Override
    void widenBf16(short[] b, int from, float[] dst, int to, int n) {
        int j = 0;
        if (WIDEN_VECTOR) {
            for (int bound = S.loopBound(n); j < bound; j += W) {
                ShortVector.fromArray(HALVES, b, from + j)
                        .convertShape(VectorOperators.S2I, INTS, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats()
                        .intoArray(dst, to + j);
            }
        }
        for (; j < n; j++) dst[to + j] = Float.intBitsToFloat(b[from + j] << 16);
    }
}

package io.flexigpt.tensor;

/**
 * The inner loops of {@link Gemm}: a register-blocked micro-kernel over packed panels and the two
 * single-row (GEMV) loops. Every loop that sums over {@code k} follows one rule so that results do
 * not depend on how the output is partitioned: within a block of the reduction, each output element
 * is a chain of fused multiply-adds starting from zero, in increasing {@code p}; the block's sum is
 * then stored (first block, no accumulation) or added to the element.
 */
abstract class GemmKernel {
    /** Rows of a micro-tile. */
    final int mr;
    /** Maximum columns of a micro-tile. */
    final int nr;
    /** Columns of a tile are processed in groups of this many; packed panels are padded to it. */
    final int lanes;

    GemmKernel(int mr, int nr, int lanes) {
        this.mr = mr;
        this.nr = nr;
        this.lanes = lanes;
    }

    /** Human-readable name, logged once when the kernel is chosen. */
    abstract String describe();

    /**
     * Computes a full-height tile: {@code mr} rows by {@code width} columns ({@code width} a multiple
     * of {@link #lanes}, at most {@link #nr}). Element (r, p) of A lies at {@code ap[ai + r*aRow +
     * p*aCol]}: packed panels have {@code aRow = 1, aCol = mr}, but A may also be read in place.
     * Packed B holds {@code width} values per {@code p}.
     */
    abstract void tile(
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
            boolean overwrite);

    /**
     * One output row over one reduction block: {@code c[ci + j] (+)= sum_p x[xi + p*xs] * b[bi + p*ldb + j]}
     * for {@code j < cols}, {@code p < kc}. {@code sums} is scratch space of at least {@code cols} floats.
     */
    abstract void rowTimesMatrix(
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
            float[] sums);

    /**
     * Dot products of a contiguous vector with {@code rows} contiguous rows:
     * {@code c[ci + j] (+)= sum_p x[xi + p] * b[bi + j*ldb + p]} for {@code p < k}.
     */
    abstract void rowsDotVector(
            int k, float[] x, int xi, float[] b, int bi, int ldb, float[] c, int ci, int rows, boolean overwrite);

    /** {@code dst[to + j] = } the exact fp32 value of BF16 bits {@code b[from + j]}, for {@code j < n}. */
    void widenBf16(short[] b, int from, float[] dst, int to, int n) {
        for (int j = 0; j < n; j++) dst[to + j] = Float.intBitsToFloat(b[from + j] << 16);
    }
}

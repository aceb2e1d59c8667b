package io.flexigpt.tensor;

import io.flexigpt.tensor.io.HalfFloats;
import java.util.Arrays;

/**
 * The fp32 GEMM algorithm behind {@link Gemm#sgemm}: GotoBLAS-style blocking with packed panels
 * (transposes are absorbed by the packing), a fast single-row path, and parallelism that splits the
 * output, never the reduction, so results are bit-identical for any thread count.
 */
final class GemmDriver {
    private GemmDriver() {}

    /** Reduction block: rows of a packed B panel and the length of every fused-multiply-add chain. */
    static final int KC = 384;
    /** Floats of a packed B panel (kc x nc) kept resident in the per-core L2 cache. */
    private static final int B_PANEL_FLOATS = 128 * 1024;
    /** Multiply-adds (m*n*k) below which a product runs on the calling thread alone. */
    private static final long PARALLEL_WORK = 1L << 18;
    /**
     * Multiply-adds up to which a product with fewer rows than a micro-tile (or a reduction shorter
     * than a vector) runs as plain loops: packing would cost more than the product (attention of one
     * decoded token over a KV cache).
     */
    private static final long SMALL_WORK = 1L << 15;
    /** Columns per parallel work unit of the single-row paths. */
    private static final int ROW_GRAIN = 64;

    /** Rows of a 16-bit B widened at once by the single-row product: the dot kernel's group of four. */
    private static final int WIDENED_ROWS = 4;

    /** Per-thread packing buffers, grown on demand and reused. */
    private static final class Buffers {
        float[] a = new float[0],
                b = new float[0],
                tile = new float[0],
                x = new float[0],
                sums = new float[0],
                wide = new float[0];

        static float[] atLeast(float[] buf, int size) {
            return buf.length >= size ? buf : new float[Math.max(size, buf.length * 2)];
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    static void sgemm(
            GemmKernel kern,
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        if (work <= SMALL_WORK && (m < kern.mr || k < kern.lanes) && (m > 1 || k < kern.lanes)) {
            small(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        boolean parallel = work >= PARALLEL_WORK && Parallelism.threads() > 1;
        if (m == 1) {
            singleRow(kern, ta, tb, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, accumulate, parallel);
            return;
        }
        if (!parallel) {
            packed(
                    kern,
                    ta,
                    k,
                    a,
                    aOff,
                    lda,
                    (p0, kc, j0, nc, dst) -> packB(kern, tb, b, bOff, ldb, p0, kc, j0, nc, dst),
                    c,
                    cOff,
                    ldc,
                    accumulate,
                    0,
                    m,
                    0,
                    n);
            return;
        }
        blocked(
                kern,
                ta,
                m,
                n,
                k,
                a,
                aOff,
                lda,
                (p0, kc, j0, nc, dst) -> packB(kern, tb, b, bOff, ldb, p0, kc, j0, nc, dst),
                c,
                cOff,
                ldc,
                accumulate);
    }

    /**
     * {@link #sgemm} with B held as 16-bit BF16 ({@code bf16}) or F16 bit patterns. Every value of B is
     * widened exactly to fp32 where the fp32 product would read it (the packing of B panels, or a
     * small widened block for the single-row and small paths) and meets the same kernel in the same
     * order, so the result is bit-identical to {@code sgemm} on the widened matrix.
     */
    static void sgemmHalfB(
            GemmKernel kern,
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            short[] b,
            boolean bf16,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        if (work <= SMALL_WORK && (m < kern.mr || k < kern.lanes) && (m > 1 || k < kern.lanes)) {
            int rows = tb ? n : k, cols = tb ? k : n;
            float[] w = new float[rows * cols];
            widen(kern, b, bf16, bOff, ldb, rows, cols, w, cols);
            small(ta, tb, m, n, k, a, aOff, lda, w, 0, cols, c, cOff, ldc, accumulate);
            return;
        }
        boolean parallel = work >= PARALLEL_WORK && Parallelism.threads() > 1;
        if (m == 1) {
            singleRowHalfB(kern, ta, tb, n, k, a, aOff, lda, b, bf16, bOff, ldb, c, cOff, accumulate, parallel);
            return;
        }
        PanelPacker packer = (p0, kc, j0, nc, dst) -> packHalfB(kern, tb, b, bf16, bOff, ldb, p0, kc, j0, nc, dst);
        if (!parallel) {
            packed(kern, ta, k, a, aOff, lda, packer, c, cOff, ldc, accumulate, 0, m, 0, n);
            return;
        }
        blocked(kern, ta, m, n, k, a, aOff, lda, packer, c, cOff, ldc, accumulate);
    }

    /** Packs op(B)[p0:p0+kc, j0:j0+nc] into {@code dst} in the layout of {@link #packB}. */
    private interface PanelPacker {
        void pack(int p0, int kc, int j0, int nc, float[] dst);
    }

    /** The parallel split of a packed product: over row blocks or column blocks of C, never the reduction. */
    private static void blocked(
            GemmKernel kern,
            boolean ta,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            PanelPacker packer,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        int rowBlocks = ceilDiv(m, kern.mr), colBlocks = ceilDiv(n, kern.nr);
        if (rowBlocks >= colBlocks || rowBlocks >= 4 * Parallelism.threads()) {
            Parallelism.forChunks(
                    rowBlocks,
                    1,
                    (s, e) -> packed(
                            kern,
                            ta,
                            k,
                            a,
                            aOff,
                            lda,
                            packer,
                            c,
                            cOff,
                            ldc,
                            accumulate,
                            s * kern.mr,
                            Math.min(m, e * kern.mr),
                            0,
                            n));
        } else {
            Parallelism.forChunks(
                    colBlocks,
                    1,
                    (s, e) -> packed(
                            kern,
                            ta,
                            k,
                            a,
                            aOff,
                            lda,
                            packer,
                            c,
                            cOff,
                            ldc,
                            accumulate,
                            0,
                            m,
                            s * kern.nr,
                            Math.min(n, e * kern.nr)));
        }
    }

    /** Widens a {@code rows x cols} block of 16-bit values (leading dimension {@code ld}) into {@code dst} (leading dimension {@code ldDst}). */
    private static void widen(
            GemmKernel kern, short[] b, boolean bf16, int off, int ld, int rows, int cols, float[] dst, int ldDst) {
        for (int r = 0; r < rows; r++) widenRun(kern, b, bf16, off + r * ld, dst, r * ldDst, cols);
    }

    /** Widens {@code n} consecutive 16-bit values (BF16 with the kernel's widening, vectorised where it can be). */
    private static void widenRun(GemmKernel kern, short[] b, boolean bf16, int from, float[] dst, int to, int n) {
        if (bf16) {
            kern.widenBf16(b, from, dst, to, n);
        } else {
            for (int j = 0; j < n; j++) dst[to + j] = HalfFloats.f16ToF32(b[from + j]);
        }
    }

    /**
     * C[i0:i1, j0:j1] on the calling thread. For each reduction block and each panel of B columns,
     * B is packed once (the panel stays in L2); every micro-panel of A rows, read in place (it
     * stays in L1), meets every packed micro-panel of B. Only a last, partial micro-panel of A is
     * copied, zero-padded, to a buffer.
     */
    private static void packed(
            GemmKernel kern,
            boolean ta,
            int k,
            float[] a,
            int aOff,
            int lda,
            PanelPacker packer,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate,
            int i0,
            int i1,
            int j0,
            int j1) {
        Buffers buf = BUFFERS.get();
        int mr = kern.mr, nr = kern.nr;
        int ncMax = Math.max(nr, B_PANEL_FLOATS / KC / nr * nr);
        int aRowStep = ta ? 1 : lda, aColStep = ta ? lda : 1;
        buf.a = Buffers.atLeast(buf.a, mr * KC);
        buf.tile = Buffers.atLeast(buf.tile, mr * nr);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean overwrite = !accumulate && pc == 0;
            for (int jc = j0; jc < j1; jc += ncMax) {
                int nc = Math.min(ncMax, j1 - jc);
                buf.b = Buffers.atLeast(buf.b, kc * ceilDiv(nc, nr) * nr);
                packer.pack(pc, kc, jc, nc, buf.b);
                for (int ir = i0; ir < i1; ir += mr) {
                    int rows = Math.min(mr, i1 - ir);
                    float[] ap = a;
                    int ai = aOff + ir * aRowStep + pc * aColStep, aRow = aRowStep, aCol = aColStep;
                    if (rows < mr) {
                        packPartialA(a, ai, aRow, aCol, rows, kc, buf.a, mr);
                        ap = buf.a;
                        ai = 0;
                        aRow = 1;
                        aCol = mr;
                    }
                    for (int jr = 0, width; jr < nc; jr += width) {
                        width = panelWidth(kern, nc - jr);
                        int cols = Math.min(width, nc - jr);
                        int ci = cOff + ir * ldc + jc + jr;
                        if (rows == mr && cols == width) {
                            kern.tile(kc, ap, ai, aRow, aCol, buf.b, jr * kc, width, c, ci, ldc, overwrite);
                        } else {
                            kern.tile(kc, ap, ai, aRow, aCol, buf.b, jr * kc, width, buf.tile, 0, width, true);
                            mergeTile(buf.tile, width, c, ci, ldc, rows, cols, overwrite);
                        }
                    }
                }
            }
        }
    }

    /**
     * Width of the panel that starts where {@code remaining} columns of the block are left: a full
     * panel, except that one column group more than a full panel of three groups becomes two
     * panels of two (a lone group keeps the register tile mostly idle), and the last panel is
     * rounded up to whole column groups.
     */
    private static int panelWidth(GemmKernel kern, int remaining) {
        int groups = ceilDiv(remaining, kern.lanes), full = kern.nr / kern.lanes;
        if (full == 3 && groups == 4) return 2 * kern.lanes;
        return Math.min(kern.nr, groups * kern.lanes);
    }

    private static void mergeTile(
            float[] t, int width, float[] c, int ci, int ldc, int rows, int cols, boolean overwrite) {
        for (int r = 0; r < rows; r++) {
            int row = ci + r * ldc, tr = r * width;
            for (int j = 0; j < cols; j++) c[row + j] = overwrite ? t[tr + j] : c[row + j] + t[tr + j];
        }
    }

    /** Copies {@code rows < mr} rows of A (element (r, p) at {@code a[ai + r*aRow + p*aCol]}) as {@code mr} values per p, zero-padded. */
    private static void packPartialA(float[] a, int ai, int aRow, int aCol, int rows, int kc, float[] dst, int mr) {
        for (int p = 0, d = 0, src = ai; p < kc; p++, d += mr, src += aCol) {
            for (int r = 0; r < rows; r++) dst[d + r] = a[src + r * aRow];
            for (int r = rows; r < mr; r++) dst[d + r] = 0f;
        }
    }

    /**
     * Packs op(B)[p0:p0+kc, j0:j0+nc] as consecutive column panels (widths from {@link #panelWidth}),
     * each holding its row of columns per p, padding zero.
     */
    private static void packB(
            GemmKernel kern, boolean tb, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0, width; jr < nc; jr += width) {
            width = panelWidth(kern, nc - jr);
            int cols = Math.min(width, nc - jr), base = jr * kc;
            if (tb) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + jr + j) * ldb + p0;
                    for (int p = 0, d = base + j; p < kc; p++, d += width) dst[d] = b[src + p];
                }
                for (int j = cols; j < width; j++) for (int p = 0, d = base + j; p < kc; p++, d += width) dst[d] = 0f;
            } else {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * width;
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, dst, d, cols);
                    if (cols < width) Arrays.fill(dst, d + cols, d + width, 0f);
                }
            }
        }
    }

    /** {@link #packB} reading 16-bit values, each widened exactly to fp32. */
    private static void packHalfB(
            GemmKernel kern,
            boolean tb,
            short[] b,
            boolean bf16,
            int bOff,
            int ldb,
            int p0,
            int kc,
            int j0,
            int nc,
            float[] dst) {
        for (int jr = 0, width; jr < nc; jr += width) {
            width = panelWidth(kern, nc - jr);
            int cols = Math.min(width, nc - jr), base = jr * kc;
            if (tb) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + jr + j) * ldb + p0;
                    if (bf16) {
                        for (int p = 0, d = base + j; p < kc; p++, d += width)
                            dst[d] = Float.intBitsToFloat(b[src + p] << 16);
                    } else {
                        for (int p = 0, d = base + j; p < kc; p++, d += width) dst[d] = HalfFloats.f16ToF32(b[src + p]);
                    }
                }
                for (int j = cols; j < width; j++) for (int p = 0, d = base + j; p < kc; p++, d += width) dst[d] = 0f;
            } else {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * width;
                    widenRun(kern, b, bf16, bOff + (p0 + p) * ldb + j0 + jr, dst, d, cols);
                    if (cols < width) Arrays.fill(dst, d + cols, d + width, 0f);
                }
            }
        }
    }

    /**
     * A small product on the calling thread, following the kernels' summation rule (per reduction
     * block, a fused multiply-add chain from zero in increasing p, then stored or added).
     */
    private static void small(
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        int aRow = ta ? 1 : lda, aCol = ta ? lda : 1, bP = tb ? 1 : ldb, bJ = tb ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * aRow, ci = cOff + i * ldc;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean overwrite = !accumulate && pc == 0;
                int ap = ai + pc * aCol, bp = bOff + pc * bP;
                int j = 0;
                // eight independent chains keep the multiply-add units busy
                for (; j + 8 <= n; j += 8) {
                    int b0 = bp + j * bJ;
                    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
                    for (int p = 0; p < kc; p++) {
                        float x = a[ap + p * aCol];
                        int q = b0 + p * bP;
                        s0 = Math.fma(x, b[q], s0);
                        s1 = Math.fma(x, b[q + bJ], s1);
                        s2 = Math.fma(x, b[q + 2 * bJ], s2);
                        s3 = Math.fma(x, b[q + 3 * bJ], s3);
                        s4 = Math.fma(x, b[q + 4 * bJ], s4);
                        s5 = Math.fma(x, b[q + 5 * bJ], s5);
                        s6 = Math.fma(x, b[q + 6 * bJ], s6);
                        s7 = Math.fma(x, b[q + 7 * bJ], s7);
                    }
                    int at = ci + j;
                    if (overwrite) {
                        c[at] = s0;
                        c[at + 1] = s1;
                        c[at + 2] = s2;
                        c[at + 3] = s3;
                        c[at + 4] = s4;
                        c[at + 5] = s5;
                        c[at + 6] = s6;
                        c[at + 7] = s7;
                    } else {
                        c[at] += s0;
                        c[at + 1] += s1;
                        c[at + 2] += s2;
                        c[at + 3] += s3;
                        c[at + 4] += s4;
                        c[at + 5] += s5;
                        c[at + 6] += s6;
                        c[at + 7] += s7;
                    }
                }
                for (; j < n; j++) {
                    int b0 = bp + j * bJ;
                    float s0 = 0f;
                    for (int p = 0; p < kc; p++) s0 = Math.fma(a[ap + p * aCol], b[b0 + p * bP], s0);
                    c[ci + j] = overwrite ? s0 : c[ci + j] + s0;
                }
            }
        }
    }

    /** The single row of a transposed A ({@code k} values {@code lda} apart) copied into a contiguous per-thread buffer. */
    private static float[] contiguousRow(int k, float[] a, int aOff, int lda) {
        Buffers buf = BUFFERS.get();
        float[] x = buf.x = Buffers.atLeast(buf.x, k);
        for (int p = 0; p < k; p++) x[p] = a[aOff + p * lda];
        return x;
    }

    /** m == 1: a vector-matrix product streaming B once, split over output columns. */
    private static void singleRow(
            GemmKernel kern,
            boolean ta,
            boolean tb,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            boolean accumulate,
            boolean parallel) {
        int units = ceilDiv(n, ROW_GRAIN);
        Parallelism.RangeBody body;
        if (tb) {
            boolean strided = ta && k > 1 && lda != 1;
            float[] x = strided ? contiguousRow(k, a, aOff, lda) : a;
            int xi = strided ? 0 : aOff;
            body = (s, e) -> {
                int j0 = s * ROW_GRAIN, j1 = Math.min(n, e * ROW_GRAIN);
                kern.rowsDotVector(k, x, xi, b, bOff + j0 * ldb, ldb, c, cOff + j0, j1 - j0, !accumulate);
            };
        } else {
            int xs = ta ? lda : 1;
            body = (s, e) -> {
                int j0 = s * ROW_GRAIN, j1 = Math.min(n, e * ROW_GRAIN);
                Buffers buf = BUFFERS.get();
                float[] sums = buf.sums = Buffers.atLeast(buf.sums, j1 - j0);
                for (int pc = 0; pc < k; pc += KC) {
                    kern.rowTimesMatrix(
                            Math.min(KC, k - pc),
                            a,
                            aOff + pc * xs,
                            xs,
                            b,
                            bOff + pc * ldb + j0,
                            ldb,
                            c,
                            cOff + j0,
                            j1 - j0,
                            !accumulate && pc == 0,
                            sums);
                }
            };
        }
        if (parallel) Parallelism.forChunks(units, 1, body);
        else body.run(0, units);
    }

    /**
     * {@link #singleRow} with 16-bit B: each unit of {@link #ROW_GRAIN} columns (and, without a
     * transposed B, each reduction block) is widened into a per-thread buffer and handed to the
     * same kernel call with the same column grouping.
     */
    private static void singleRowHalfB(
            GemmKernel kern,
            boolean ta,
            boolean tb,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            short[] b,
            boolean bf16,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            boolean accumulate,
            boolean parallel) {
        int units = ceilDiv(n, ROW_GRAIN);
        Parallelism.RangeBody body;
        if (tb) {
            boolean strided = ta && k > 1 && lda != 1;
            float[] x = strided ? contiguousRow(k, a, aOff, lda) : a;
            int xi = strided ? 0 : aOff;
            body = (s, e) -> {
                Buffers buf = BUFFERS.get();
                float[] w = buf.wide = Buffers.atLeast(buf.wide, WIDENED_ROWS * k);
                for (int u = s; u < e; u++) {
                    int end = Math.min(n, (u + 1) * ROW_GRAIN);
                    // a few rows at a time, so the widened rows are still in L1 when the dot products read them
                    for (int j0 = u * ROW_GRAIN; j0 < end; j0 += WIDENED_ROWS) {
                        int rows = Math.min(WIDENED_ROWS, end - j0);
                        widen(kern, b, bf16, bOff + j0 * ldb, ldb, rows, k, w, k);
                        kern.rowsDotVector(k, x, xi, w, 0, k, c, cOff + j0, rows, !accumulate);
                    }
                }
            };
        } else {
            int xs = ta ? lda : 1;
            body = (s, e) -> {
                Buffers buf = BUFFERS.get();
                float[] w = buf.wide = Buffers.atLeast(buf.wide, KC * ROW_GRAIN);
                float[] sums = buf.sums = Buffers.atLeast(buf.sums, ROW_GRAIN);
                for (int u = s; u < e; u++) {
                    int j0 = u * ROW_GRAIN, cols = Math.min(n, j0 + ROW_GRAIN) - j0;
                    for (int pc = 0; pc < k; pc += KC) {
                        int kc = Math.min(KC, k - pc);
                        widen(kern, b, bf16, bOff + pc * ldb + j0, ldb, kc, cols, w, cols);
                        kern.rowTimesMatrix(
                                kc,
                                a,
                                aOff + pc * xs,
                                xs,
                                w,
                                0,
                                cols,
                                c,
                                cOff + j0,
                                cols,
                                !accumulate && pc == 0,
                                sums);
                    }
                }
            };
        }
        if (parallel) Parallelism.forChunks(units, 1, body);
        else body.run(0, units);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}

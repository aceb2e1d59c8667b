package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.testing.TensorGens;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class TensorOpsTest {

    static Gen<Tensor> anyTensor() {
        return TensorGens.tensors(0, 4, 5);
    }

    /** A broadcast-compatible partner shape: each axis of {@code shape} kept or set to 1, leading axes maybe dropped. */
    static int[] partner(int[] shape, long bits) {
        int drop = (int) (bits & 3) % (shape.length + 1);
        int[] p = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < p.length; i++) if (((bits >> (i + 2)) & 1) == 1) p[i] = 1;
        return p;
    }

    static double ref(Elementwise.Binary op, double a, double b) {
        return op.apply(a, b);
    }

    @Test
    void broadcastBinaryOpsMatchElementwiseReference() {
        qt(200).forAll(anyTensor(), longs().all(), longs().all(), arbitrary().enumValues(Elementwise.Binary.class))
                .checkAssert((a, bits, seed, op) -> {
                    Tensor b = TensorGens.withLayout(seed, (int) (Math.abs(bits >> 20) % 3), partner(a.shape(), bits));
                    if (op == Elementwise.Binary.POW) b = b.abs().add(0.5);
                    Tensor base = op == Elementwise.Binary.POW ? a.abs().add(0.1) : a;
                    Tensor out = Elementwise.binary(base, b, op);
                    assertArrayEquals(a.shape(), out.shape());
                    Tensor eb = b.expand(a.shape());
                    int[] idx = new int[a.rank()];
                    for (int k = 0; k < a.numel(); k++) {
                        int rem = k;
                        for (int ax = a.rank() - 1; ax >= 0; ax--) {
                            idx[ax] = rem % a.dim(ax);
                            rem /= a.dim(ax);
                        }
                        double expected = (float) ref(op, base.get(idx), eb.get(idx));
                        assertEquals(
                                expected,
                                out.get(idx),
                                Math.abs(expected) * 2e-6 + 1e-6,
                                op + " at " + Arrays.toString(idx));
                    }
                });
    }

    @Test
    void additionCommutesAndBroadcastsSymmetrically() {
        qt(100).forAll(anyTensor(), longs().all(), longs().all()).checkAssert((a, bits, seed) -> {
            Tensor b = TensorGens.random(seed, partner(a.shape(), bits));
            assertEquals(0.0, a.add(b).maxAbsDiff(b.add(a)));
            assertEquals(0.0, a.mul(b).maxAbsDiff(b.mul(a)));
            assertEquals(0.0, a.add(b).maxAbsDiff(a.add(b.expand(a.shape()).contiguous())));
        });
    }

    @Test
    void unaryOpsMatchScalarMath() {
        qt(100).forAll(anyTensor(), arbitrary().enumValues(Elementwise.Unary.class))
                .checkAssert((a, op) -> {
                    Tensor x = (op == Elementwise.Unary.LOG
                                    || op == Elementwise.Unary.SQRT
                                    || op == Elementwise.Unary.RSQRT)
                            ? a.abs().add(0.1)
                            : a;
                    double[] in = x.toDoubleArray(),
                            out = Elementwise.unary(x, op).toDoubleArray();
                    for (int i = 0; i < in.length; i++) {
                        double e = op.apply(in[i]);
                        assertEquals(e, out[i], Math.abs(e) * 1e-5 + 1e-6, op + " of " + in[i]);
                    }
                });
    }

    @Test
    void softmaxRowsSumToOneAndAreShiftInvariant() {
        qt(150).forAll(anyTensor(), integers().all(), doubles().between(-50, 50))
                .assuming((a, axisSeed, shift) -> a.rank() >= 1)
                .checkAssert((a, axisSeed, shift) -> {
                    int axis = Math.floorMod(axisSeed, a.rank());
                    Tensor p = a.softmax(axis);
                    Tensor sums = p.sum(axis, false);
                    for (double s : sums.toDoubleArray()) assertEquals(1.0, s, 1e-5);
                    assertTrue(p.maxAbsDiff(a.add(shift).softmax(axis)) < 1e-5);
                    assertTrue(p.log().maxAbsDiff(a.logSoftmax(axis)) < 1e-4);
                });
    }

    @Test
    void softmaxIsStableForHugeLogitsAndMaskedLanes() {
        Tensor x = Tensor.of(new float[] {1000f, 1000f, Float.NEGATIVE_INFINITY}, 3);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, x.softmax(0).toFloatArray());
        Tensor masked = Tensor.full(Float.NEGATIVE_INFINITY, 2);
        assertArrayEquals(new float[] {0f, 0f}, masked.softmax(0).toFloatArray());
    }

    @Test
    void reductionsMatchNaiveLoops() {
        qt(150).forAll(anyTensor(), integers().all(), booleans().all())
                .assuming((a, axisSeed, keep) -> a.rank() >= 1)
                .checkAssert((a, axisSeed, keep) -> {
                    int axis = Math.floorMod(axisSeed, a.rank());
                    Tensor moved = a.transpose(axis, a.rank() - 1).contiguous();
                    int n = a.dim(axis), lanes = a.numel() / n;
                    double[] v = moved.toDoubleArray();
                    Tensor sumT =
                            a.sum(axis, true).transpose(axis, a.rank() - 1).contiguous();
                    Tensor maxT =
                            a.max(axis, true).transpose(axis, a.rank() - 1).contiguous();
                    Tensor argT =
                            a.argmax(axis, true).transpose(axis, a.rank() - 1).contiguous();
                    Tensor varT = a.variance(axis, true, false)
                            .transpose(axis, a.rank() - 1)
                            .contiguous();
                    double[] s = sumT.toDoubleArray(),
                            m = maxT.toDoubleArray(),
                            g = argT.toDoubleArray(),
                            var = varT.toDoubleArray();
                    assertEquals(lanes, s.length);
                    for (int l = 0; l < lanes; l++) {
                        double ts = 0, tm = Double.NEGATIVE_INFINITY;
                        int arg = 0;
                        for (int j = 0; j < n; j++) {
                            double x = v[l * n + j];
                            ts += x;
                            if (x > tm) {
                                tm = x;
                                arg = j;
                            }
                        }
                        double mean = ts / n, tv = 0;
                        for (int j = 0; j < n; j++) tv += (v[l * n + j] - mean) * (v[l * n + j] - mean);
                        assertEquals(ts, s[l], 1e-5);
                        assertEquals(tm, m[l]);
                        assertEquals(arg, g[l]);
                        assertEquals(tv / n, var[l], 1e-5);
                    }
                    int[] expectShape = a.shape();
                    if (keep) expectShape[axis] = 1;
                    else expectShape = Reductions.removeAxis(expectShape, axis);
                    assertArrayEquals(expectShape, a.mean(axis, keep).shape());
                });
    }

    @Test
    void reshapeAndPermuteRoundTrip() {
        qt(100).forAll(anyTensor(), longs().all()).checkAssert((a, seed) -> {
            Tensor flat = a.reshape(-1);
            assertEquals(a.numel(), flat.numel());
            assertArrayEquals(a.toFloatArray(), flat.reshape(a.shape()).toFloatArray());
            int[] order =
                    new java.util.Random(seed).ints(0, 1000).limit(a.rank()).toArray();
            Integer[] perm = new Integer[a.rank()];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            Arrays.sort(perm, (x, y) -> Integer.compare(order[x], order[y]));
            int[] p = Arrays.stream(perm).mapToInt(Integer::intValue).toArray();
            int[] inverse = new int[p.length];
            for (int i = 0; i < p.length; i++) inverse[p[i]] = i;
            Tensor back = a.permute(p).permute(inverse);
            assertArrayEquals(a.shape(), back.shape());
            assertArrayEquals(a.toFloatArray(), back.toFloatArray());
            assertArrayEquals(
                    a.toFloatArray(), a.permute(p).contiguous().permute(inverse).toFloatArray());
        });
    }

    @Test
    void concatThenSplitIsIdentity() {
        qt(100).forAll(anyTensor(), integers().all(), longs().all())
                .assuming((a, axisSeed, seed) -> a.rank() >= 1)
                .checkAssert((a, axisSeed, seed) -> {
                    int axis = Math.floorMod(axisSeed, a.rank());
                    int[] shapeB = a.shape();
                    shapeB[axis] = 2;
                    Tensor b = TensorGens.random(seed, shapeB);
                    Tensor joined = Tensor.concat(axis, a, b);
                    Tensor[] parts = joined.split(axis, a.dim(axis), 2);
                    assertArrayEquals(a.toFloatArray(), parts[0].toFloatArray());
                    assertArrayEquals(b.toFloatArray(), parts[1].toFloatArray());
                    Tensor stacked = Tensor.stack(0, a, a);
                    assertArrayEquals(a.toFloatArray(), stacked.select(0, 1).toFloatArray());
                });
    }

    @Test
    void indexSelectGathersRowsAndIndexAddScattersThem() {
        Tensor table = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor rows = table.indexSelect(0, 2, 0, 2);
        assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, rows.toFloatArray());
        Tensor grad = Tensor.zeros(3, 2);
        grad.indexAddInPlace(0, new int[] {2, 0, 2}, Tensor.ones(3, 2));
        assertArrayEquals(new float[] {1, 1, 0, 0, 2, 2}, grad.toFloatArray());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> table.indexSelect(0, 3));
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("size 3"), e.getMessage());
    }

    @Test
    void rmsNormMatchesDefinition() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, -1, 0, 1, 2}, 2, 4);
        Tensor w = Tensor.of(new float[] {1, 0.5f, 2, 1}, 4);
        double[] out = x.rmsNorm(w, 1e-5).toDoubleArray();
        double r0 = Math.sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-5);
        assertEquals(3 * 2 / r0, out[2], 1e-6);
        double r1 = Math.sqrt((1 + 0 + 1 + 4) / 4.0 + 1e-5);
        assertEquals(2 / r1, out[7], 1e-6);
        assertEquals(out[0], x.to(DType.F64).rmsNorm(w.to(DType.F64), 1e-5).get(0, 0), 1e-6);
    }

    @Test
    void whereAndMaskedFillSelectByCondition() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1}, 3);
        Tensor out = Tensor.where(cond, Tensor.ones(2, 3), Tensor.zeros(1));
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, out.toFloatArray());
        assertArrayEquals(
                new float[] {-9, 2, -9},
                Tensor.of(new float[] {1, 2, 3}, 3).maskedFill(cond, -9).toFloatArray());
    }

    @Test
    void shapeErrorsNameTheOpAndBothShapes() {
        ShapeException e =
                assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(
                e.getMessage().contains("add")
                        && e.getMessage().contains("[2, 3]")
                        && e.getMessage().contains("[4]"),
                e.getMessage());
        ShapeException r =
                assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertTrue(r.getMessage().contains("[2, 3]") && r.getMessage().contains("[4, 2]"), r.getMessage());
        IndexOutOfBoundsException g = assertThrows(
                IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).get(1, 3));
        assertTrue(g.getMessage().contains("index 3") && g.getMessage().contains("size 3"), g.getMessage());
    }

    @Test
    void viewsShareStorageAndCopyNothing() {
        qt(100).forAll(anyTensor())
                .assuming(a -> a.rank() >= 2 && a.numel() > 0)
                .checkAssert(a -> {
                    Tensor t = a.transpose(0, 1);
                    int[] idx = new int[a.rank()];
                    int[] tidx = idx.clone();
                    idx[0] = a.dim(0) - 1;
                    tidx[1] = a.dim(0) - 1;
                    a.setInPlace(42, idx);
                    assertEquals(42.0, t.get(tidx));
                    int[] big = new int[a.rank() + 1];
                    big[0] = 3;
                    System.arraycopy(a.shape(), 0, big, 1, a.rank());
                    int[] eidx = new int[a.rank() + 1];
                    eidx[0] = 2;
                    System.arraycopy(idx, 0, eidx, 1, a.rank());
                    assertEquals(42.0, a.expand(big).get(eidx));
                });
    }

    @Test
    void inPlaceUpdatesMatchOutOfPlaceOps() {
        qt(100).forAll(anyTensor(), longs().all()).checkAssert((a, seed) -> {
            Tensor b = TensorGens.random(seed, a.shape());
            Tensor acc = a.copy();
            acc.addInPlace(b, 0.5);
            assertTrue(acc.maxAbsDiff(a.add(b.mul(0.5))) < 1e-6);
            acc.mulInPlace(2);
            assertTrue(acc.maxAbsDiff(a.add(b.mul(0.5)).mul(2)) < 1e-5);
        });
    }

    @Test
    void matmulMatchesNaiveProductForViewsAndBroadcastBatches() {
        record Case(int m, int k, int n, int batchMode, int layoutA, int layoutB, long seed, boolean f64) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 9).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(0, 3).generate(in),
                integers().between(0, 2).generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in),
                booleans().all().generate(in));
        qt(150).forAll(cases)
                .checkAssert(c -> matmulMatchesNaiveProductForViewsAndBroadcastBatches(
                        c.m(), c.k(), c.n(), c.batchMode(), c.layoutA(), c.layoutB(), c.seed(), c.f64()));
    }

    private void matmulMatchesNaiveProductForViewsAndBroadcastBatches(
            int m, int k, int n, int batchMode, int layoutA, int layoutB, long seed, boolean f64) {
        int[] batchA = batchMode == 0
                ? new int[0]
                : batchMode == 1 ? new int[] {3} : batchMode == 2 ? new int[] {2, 1} : new int[] {1};
        int[] batchB = batchMode == 2 ? new int[] {1, 3} : batchMode == 3 ? new int[] {2} : batchA;
        Tensor a = TensorGens.withLayout(seed, layoutA, with(batchA, m, k));
        Tensor b = TensorGens.withLayout(seed + 1, layoutB, with(batchB, k, n));
        if (f64) {
            a = a.to(DType.F64);
            b = b.to(DType.F64);
        }
        Tensor c = a.matmul(b);
        int[] batch = Shapes.broadcast(batchA, batchB, "test");
        assertArrayEquals(with(batch, m, n), c.shape());
        Tensor ea = a.expand(with(batch, m, k)).reshape(-1, m, k),
                eb = b.expand(with(batch, k, n)).reshape(-1, k, n);
        Tensor ec = c.reshape(-1, m, n);
        for (int bi = 0; bi < ec.dim(0); bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    for (int p = 0; p < k; p++) ref += ea.get(bi, i, p) * eb.get(bi, p, j);
                    assertEquals(ref, ec.get(bi, i, j), 1e-5 * (1 + k), "batch " + bi + " (" + i + ", " + j + ")");
                }
            }
        }
    }

    static int[] with(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    @Test
    void matmulNamesBothShapesOnMismatch() {
        ShapeException e =
                assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertTrue(
                e.getMessage().contains("matmul")
                        && e.getMessage().contains("[2, 3]")
                        && e.getMessage().contains("[4, 5]"),
                e.getMessage());
    }

    @Test
    void ropeIsARotationUndoneByItsInverse() {
        qt(50).forAll(
                        integers().between(1, 5),
                        integers().between(1, 4),
                        arbitrary().enumValues(RopeLayout.class),
                        longs().all())
                .checkAssert((time, halfDim, layout, seed) -> {
                    Tensor x = TensorGens.random(seed, 2, time, 3, 2 * halfDim);
                    Tensor r = x.rope(3, 10000, layout, false);
                    assertTrue(r.rope(3, 10000, layout, true).maxAbsDiff(x) < 1e-5);
                    // rotations preserve the norm of every pair, hence of every head vector
                    assertTrue(r.square().sum(-1, false).maxAbsDiff(x.square().sum(-1, false)) < 1e-4);
                    // position 0 is the identity
                    assertTrue(x.slice(1, 0, 1).rope(0, 10000, layout, false).maxAbsDiff(x.slice(1, 0, 1)) < 1e-7);
                });
    }

    /** Interpreted and JIT-compiled runs of the vector kernels must agree bit for bit (determinism). */
    @Test
    void expSoftmaxAndSiluAreBitIdenticalBeforeAndAfterWarmUp() {
        Tensor x = TensorGens.random(99, 4, 300).mul(20);
        float[] e0 = x.exp().toFloatArray(),
                s0 = x.softmax(-1).toFloatArray(),
                u0 = x.silu().toFloatArray(),
                t0 = x.tanh().toFloatArray();
        for (int i = 0; i < 3000; i++) {
            x.exp();
            x.softmax(-1);
            x.silu();
            x.tanh();
        }
        assertArrayEquals(e0, x.exp().toFloatArray());
        assertArrayEquals(s0, x.softmax(-1).toFloatArray());
        assertArrayEquals(u0, x.silu().toFloatArray());
        assertArrayEquals(t0, x.tanh().toFloatArray());
    }

    /**
     * The fused causal softmax equals masking with -inf and a plain softmax: bit for bit in fp64; in fp32
     * up to rounding (the vector lanes split a shorter row differently).
     */
    @Test
    void causalSoftmaxEqualsMaskedFillThenSoftmax() {
        record Case(int group, int time, int offset, boolean fp64, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 3).generate(in),
                integers().between(1, 7).generate(in),
                integers().between(0, 40).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(c ->
                        causalSoftmaxEqualsMaskedFillThenSoftmax(c.group(), c.time(), c.offset(), c.fp64(), c.seed()));
    }

    private void causalSoftmaxEqualsMaskedFillThenSoftmax(int group, int time, int offset, boolean fp64, long seed) {
        int keys = offset + time;
        Tensor x = TensorGens.random(seed, 2, group * time, keys).mul(5);
        if (fp64) x = x.to(DType.F64);
        float[] mask = new float[group * time * keys];
        for (int r = 0; r < group * time; r++) {
            for (int j = offset + r % time + 1; j < keys; j++) mask[r * keys + j] = 1f;
        }
        Tensor expected = x.maskedFill(Tensor.of(mask, group * time, keys), Double.NEGATIVE_INFINITY)
                .softmax(-1);
        Tensor fused = x.causalSoftmax(time, offset);
        if (fp64) assertArrayEquals(expected.toDoubleArray(), fused.toDoubleArray());
        else assertTrue(fused.maxAbsDiff(expected) < 1e-6);
        assertEquals(
                0.0,
                fused.maskedFill(Tensor.of(mask, group * time, keys).rsub(1), 0)
                        .abs()
                        .sum());
        // a transposed (non-contiguous) input gives the same result
        Tensor xt = x.transpose(1, 2).contiguous().transpose(1, 2);
        assertArrayEquals(fused.toDoubleArray(), xt.causalSoftmax(time, offset).toDoubleArray());
    }

    @Test
    void softmaxBackwardMatchesItsFormula() {
        qt(100).forAll(anyTensor(), integers().all(), longs().all()).checkAssert((a, axisSeed, seed) -> {
            if (a.rank() == 0) return;
            int axis = Math.floorMod(axisSeed, a.rank());
            Tensor y = a.softmax(axis);
            Tensor g = TensorGens.random(seed, a.shape());
            Tensor expected = y.mul(g.sub(g.mul(y).sum(axis, true)));
            assertTrue(y.softmaxBackward(g, axis).maxAbsDiff(expected) < 1e-5);
            Tensor y64 = y.to(DType.F64), g64 = g.to(DType.F64);
            assertTrue(y64.softmaxBackward(g64, axis)
                            .maxAbsDiff(y64.mul(g64.sub(g64.mul(y64).sum(axis, true))))
                    < 1e-12);
        });
    }

    /** Dense and strided inputs reduce in the same order, so sums, means and maxima agree bit for bit. */
    @Test
    void denseAndStridedReductionsAgreeBitForBit() {
        qt(150).forAll(anyTensor(), integers().all()).checkAssert((a, axisSeed) -> {
            if (a.rank() == 0) return;
            int axis = Math.floorMod(axisSeed, a.rank());
            Tensor dense = a.contiguous();
            Tensor strided = a.rank() >= 2 ? dense.transpose(0, 1).contiguous().transpose(0, 1) : a;
            for (Tensor x : new Tensor[] {a, strided}) {
                assertArrayEquals(
                        x.to(DType.F64).sum(axis, false).to(DType.F32).toFloatArray(),
                        dense.sum(axis, false).toFloatArray());
                assertArrayEquals(
                        x.to(DType.F64).mean(axis, true).to(DType.F32).toFloatArray(),
                        dense.mean(axis, true).toFloatArray());
                assertArrayEquals(
                        x.max(axis, false).toFloatArray(),
                        dense.max(axis, false).toFloatArray());
            }
        });
    }

    @Test
    void fusedRmsNormAndSiluGradientsMatchTheirFormulas() {
        qt(60).forAll(
                        integers().between(1, 9),
                        integers().between(1, 40),
                        booleans().all(),
                        longs().all())
                .checkAssert((rows, dim, fp64, seed) -> {
                    Tensor x = TensorGens.random(seed, rows, dim),
                            w = TensorGens.random(seed + 1, dim),
                            g = TensorGens.random(seed + 2, rows, dim);
                    if (fp64) {
                        x = x.to(DType.F64);
                        w = w.to(DType.F64);
                        g = g.to(DType.F64);
                    }
                    double tol = fp64 ? 1e-12 : 2e-5;
                    Tensor r = x.square().mean(-1, true).add(1e-5).rsqrt();
                    Tensor gw = g.mul(w);
                    Tensor dx = gw.mul(r).sub(x.mul(r.pow(3)).mul(gw.mul(x).mean(-1, true)));
                    Tensor dw = g.mul(x).mul(r).sum(0, false);
                    Tensor[] fused = x.rmsNormBackward(w, g, 1e-5);
                    assertTrue(fused[0].maxAbsDiff(dx) < tol, "dx");
                    assertTrue(fused[1].maxAbsDiff(dw) < tol * rows, "dw");
                    Tensor s = x.sigmoid();
                    Tensor dsilu = g.mul(s.add(x.mul(s).mul(s.rsub(1))));
                    assertTrue(x.siluBackward(g).maxAbsDiff(dsilu) < tol);
                });
    }

    /** Big elementwise ops run in parallel blocks: one and two threads give the same bits. */
    @Test
    void parallelElementwiseAndRowOpsAreBitIdenticalAcrossThreadCounts() {
        Tensor x = TensorGens.random(5, 37, 1000).mul(6), y = TensorGens.random(6, 37, 1000);
        int before = Parallelism.threads();
        float[][] results = new float[2][];
        try {
            for (int t = 1; t <= 2; t++) {
                Parallelism.setThreads(t);
                Tensor[] rms = x.rmsNormBackward(y.select(0, 0), y, 1e-5);
                Tensor[] all = {
                    x.exp(),
                    x.silu(),
                    x.mul(y),
                    x.siluBackward(y),
                    x.softmax(-1),
                    x.logSoftmax(-1),
                    x.reshape(37, 10, 100).causalSoftmax(5, 95),
                    x.softmax(-1).softmaxBackward(y, -1),
                    rms[0],
                    rms[1]
                };
                int n = 0;
                for (Tensor a : all) n += a.numel();
                float[] flat = new float[n];
                int at = 0;
                for (Tensor a : all) {
                    float[] v = a.toFloatArray();
                    System.arraycopy(v, 0, flat, at, v.length);
                    at += v.length;
                }
                results[t - 1] = flat;
            }
        } finally {
            Parallelism.setThreads(before);
        }
        assertArrayEquals(results[0], results[1]);
    }
}

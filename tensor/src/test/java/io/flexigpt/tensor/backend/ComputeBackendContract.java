package io.flexigpt.tensor.backend;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.flexigpt.tensor.Gemm;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The contract of a {@link ComputeBackend}: the laws of each op, and agreement with independent
 * references ({@link Gemm} for matmul, the {@link Tensor} ops for softmax, RMSNorm, RoPE and attention,
 * scalar math for the elementwise ops). A backend's test extends this class and supplies the backend.
 * Tolerances are those a kernel accumulating in float meets; the references accumulate in double.
 */
public abstract class ComputeBackendContract {

    /** The backend under test; it may abort the calling test when its device is missing. */
    protected abstract ComputeBackend backend();

    /**
     * Absolute error allowed in RoPE outputs of magnitude up to 1 at positions below 1024: 1e-4 where
     * the angle {@code p·theta^(-2i/d)} is formed in double; a backend forming it in float needs more.
     */
    protected double ropeTolerance() {
        return 1e-4;
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }

    private static float[] scaled(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) v[i] *= factor;
        return v;
    }

    /** Asserts {@code |actual - expected| <= abs + rel·|expected|} elementwise. */
    private static void assertClose(float[] expected, DeviceBuffer actual, double abs, double rel, String what) {
        float[] got = actual.read();
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < got.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            if (!(Math.abs(got[i] - expected[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + expected[i] + " (tolerance " + tol
                        + ")");
            }
        }
    }

    private static float[] gemm(MatmulShape s, float[] a, float[] b) {
        int m = s.m(), n = s.n(), k = s.k();
        float[] c = new float[s.batch() * m * n];
        Gemm.sgemmBatched(
                s.batch(),
                s.transA(),
                s.transB(),
                m,
                n,
                k,
                a,
                0,
                s.transA() ? m : k,
                m * k,
                b,
                0,
                s.transB() ? k : n,
                k * n,
                c,
                0,
                n,
                m * n,
                false);
        return c;
    }

    @Test
    public void matmulEqualsGemm() {
        ComputeBackend be = backend();
        Gen<MatmulShape> shapes = in -> new MatmulShape(
                integers().between(1, 3).generate(in),
                integers().between(1, 70).generate(in),
                integers().between(1, 70).generate(in),
                integers().between(1, 90).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in));
        qt(30).forAll(shapes, longs().all()).checkAssert((s, seed) -> {
            Random rnd = new Random(seed);
            float[] a = random(rnd, s.batch() * s.m() * s.k()), b = random(rnd, s.batch() * s.k() * s.n());
            DeviceBuffer c = be.allocate(s.batch() * s.m() * s.n());
            be.matmul(s, be.upload(a), be.upload(b), c);
            assertClose(gemm(s, a, b), c, 1e-6 * s.k(), 0, "matmul " + s); // float accumulation: error grows with k
        });
    }

    @Test
    public void matmulWithAConstantOperandEqualsGemm() {
        ComputeBackend be = backend();
        Gen<MatmulShape> shapes = in -> new MatmulShape(
                integers().between(1, 2).generate(in),
                integers().between(1, 40).generate(in),
                integers().between(1, 70).generate(in),
                integers().between(1, 70).generate(in),
                false,
                booleans().all().generate(in));
        qt(15).forAll(shapes, integers().between(0, 3000), longs().all()).checkAssert((s, before, seed) -> {
            Random rnd = new Random(seed);
            float[] a = random(rnd, s.batch() * s.m() * s.k()), b = random(rnd, s.batch() * s.k() * s.n());
            if (before > 0) be.constant(random(rnd, before)); // on OpenCL b then starts inside the packed weights
            DeviceBuffer weight = be.constant(b), c = be.allocate(s.batch() * s.m() * s.n());
            be.matmul(s, be.upload(a), weight, c);
            assertClose(gemm(s, a, b), c, 1e-6 * s.k(), 0, "matmul with constant B " + s);
            assertArrayEquals(b, weight.read());
        });
    }

    @Test
    public void softmaxRowsSumToOneAndIgnoreARowShift() {
        ComputeBackend be = backend();
        qt(30).forAll(integers().between(1, 8), integers().between(1, 50), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    Random rnd = new Random(seed);
                    float[] x = random(rnd, rows * cols), shifted = x.clone();
                    for (int r = 0; r < rows; r++) {
                        float shift = rnd.nextFloat() * 40 - 20;
                        for (int j = 0; j < cols; j++) shifted[r * cols + j] += shift;
                    }
                    RowsShape s = new RowsShape(rows, cols);
                    DeviceBuffer p = be.allocate(x.length), q = be.allocate(x.length);
                    be.softmaxRows(s, be.upload(x), p);
                    be.softmaxRows(s, be.upload(shifted), q);
                    float[] pv = p.read(), qv = q.read();
                    for (int r = 0; r < rows; r++) {
                        double sum = 0;
                        for (int j = 0; j < cols; j++) sum += pv[r * cols + j];
                        assertEquals(1, sum, 1e-5, "row " + r);
                    }
                    for (int i = 0; i < pv.length; i++) assertEquals(pv[i], qv[i], 1e-5, "shift changed element " + i);
                });
    }

    @Test
    public void softmaxRowsEqualTheTensorSoftmax() {
        ComputeBackend be = backend();
        qt(15).forAll(integers().between(1, 40), integers().between(1, 300), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    float[] x = scaled(random(new Random(seed), rows * cols), 8);
                    RowsShape s = new RowsShape(rows, cols);
                    DeviceBuffer out = be.allocate(x.length);
                    be.softmaxRows(s, be.upload(x), out);
                    assertClose(Tensor.of(x, rows, cols).softmax(1).toFloatArray(), out, 1e-6, 1e-5, "softmax " + s);
                });
    }

    @Test
    public void rmsNormWithUnitGainGivesUnitRmsAndIgnoresScale() {
        ComputeBackend be = backend();
        qt(30).forAll(integers().between(1, 8), integers().between(1, 64), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    Random rnd = new Random(seed);
                    float[] x = random(rnd, rows * cols), scaled = x.clone(), ones = new float[cols];
                    Arrays.fill(ones, 1f);
                    for (int i = 0; i < scaled.length; i++) scaled[i] *= 3.5f;
                    RowsShape s = new RowsShape(rows, cols);
                    DeviceBuffer y = be.allocate(x.length), z = be.allocate(x.length);
                    be.rmsNormRows(s, be.upload(x), be.upload(ones), 0f, y);
                    be.rmsNormRows(s, be.upload(scaled), be.upload(ones), 0f, z);
                    float[] yv = y.read(), zv = z.read();
                    for (int r = 0; r < rows; r++) {
                        double ss = 0;
                        for (int j = 0; j < cols; j++) ss += yv[r * cols + j] * yv[r * cols + j];
                        assertEquals(1, ss / cols, 1e-4, "row " + r);
                    }
                    for (int i = 0; i < yv.length; i++) assertEquals(yv[i], zv[i], 1e-5, "scale changed element " + i);
                });
    }

    @Test
    public void rmsNormRowsEqualTheTensorRmsNorm() {
        ComputeBackend be = backend();
        qt(15).forAll(integers().between(1, 40), integers().between(1, 300), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    Random rnd = new Random(seed);
                    float[] x = random(rnd, rows * cols), g = random(rnd, cols);
                    RowsShape s = new RowsShape(rows, cols);
                    DeviceBuffer out = be.allocate(x.length);
                    be.rmsNormRows(s, be.upload(x), be.upload(g), 1e-5f, out);
                    float[] expected = Tensor.of(x, rows, cols)
                            .rmsNorm(Tensor.of(g, cols), 1e-5f)
                            .toFloatArray();
                    assertClose(expected, out, 1e-5, 1e-5, "rmsNorm " + s);
                });
    }

    @Test
    public void ropeRotationsComposeAndKeepPairLengths() {
        ComputeBackend be = backend();
        Gen<RopeShape> shapes = in -> new RopeShape(
                1,
                integers().between(1, 3).generate(in),
                2 * integers().between(1, 8).generate(in),
                booleans().all().generate(in) ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF,
                10000f);
        qt(30).forAll(shapes, integers().between(0, 300), integers().between(0, 300), longs().all())
                .checkAssert((s, p1, p2, seed) -> {
                    int heads = s.heads(), d = s.headDim();
                    float[] x = random(new Random(seed), heads * d);
                    DeviceBuffer once = be.allocate(x.length),
                            twice = be.allocate(x.length),
                            direct = be.allocate(x.length);
                    be.rope(s, new int[] {p1}, be.upload(x), once);
                    be.rope(s, new int[] {p2}, once, twice);
                    be.rope(s, new int[] {p1 + p2}, be.upload(x), direct);
                    float[] t = twice.read(), dv = direct.read(), o = once.read();
                    for (int i = 0; i < t.length; i++)
                        assertEquals(dv[i], t[i], ropeTolerance(), "rotations do not compose at " + i);
                    for (int h = 0; h < heads; h++) {
                        for (int i = 0; i < d / 2; i++) {
                            int a = h * d + s.layout().first(i, d),
                                    b = h * d + s.layout().second(i, d);
                            assertEquals(
                                    Math.hypot(x[a], x[b]),
                                    Math.hypot(o[a], o[b]),
                                    1e-5,
                                    "pair " + i + " changed length");
                        }
                    }
                });
    }

    @Test
    public void ropeEqualsTheTensorRope() {
        ComputeBackend be = backend();
        Gen<RopeShape> shapes = in -> new RopeShape(
                integers().between(1, 12).generate(in),
                integers().between(1, 4).generate(in),
                2 * integers().between(1, 24).generate(in),
                booleans().all().generate(in) ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF,
                10000f);
        qt(15).forAll(shapes, longs().all()).checkAssert((s, seed) -> {
            Random rnd = new Random(seed);
            int row = s.heads() * s.headDim();
            float[] x = random(rnd, s.rows() * row), expected = new float[x.length];
            int[] positions = new int[s.rows()];
            for (int r = 0; r < s.rows(); r++) {
                positions[r] = rnd.nextInt(1024);
                Tensor one = Tensor.of(Arrays.copyOfRange(x, r * row, (r + 1) * row), 1, 1, s.heads(), s.headDim());
                float[] rotated =
                        one.rope(positions[r], s.theta(), s.layout(), false).toFloatArray();
                System.arraycopy(rotated, 0, expected, r * row, row);
            }
            DeviceBuffer out = be.allocate(x.length);
            be.rope(s, positions, be.upload(x), out);
            assertClose(expected, out, ropeTolerance(), 0, "rope " + s + " at " + Arrays.toString(positions));
        });
    }

    @Test
    public void ropeAtPositionZeroIsTheIdentityAndPairsFollowTheLayout() {
        ComputeBackend be = backend();
        float[] x = {1, 2, 3, 4};
        for (RopeLayout layout : RopeLayout.values()) {
            DeviceBuffer out = be.allocate(4);
            be.rope(new RopeShape(1, 1, 4, layout, 10000f), new int[] {0}, be.upload(x), out);
            assertArrayEquals(x, out.read());
        }
        // position 1, pair 0 rotates by exactly 1 radian: (x0, x1) interleaved, (x0, x2) rotate-half
        DeviceBuffer inter = be.allocate(4), half = be.allocate(4);
        be.rope(new RopeShape(1, 1, 4, RopeLayout.INTERLEAVED, 10000f), new int[] {1}, be.upload(x), inter);
        be.rope(new RopeShape(1, 1, 4, RopeLayout.ROTATE_HALF, 10000f), new int[] {1}, be.upload(x), half);
        assertEquals(Math.cos(1) * 1 - Math.sin(1) * 2, inter.read()[0], 1e-6);
        assertEquals(Math.cos(1) * 1 - Math.sin(1) * 3, half.read()[0], 1e-6);
    }

    @Test
    public void elementwiseOpsEqualScalarMath() {
        ComputeBackend be = backend();
        qt(15).forAll(integers().between(1, 5000), longs().all()).checkAssert((n, seed) -> {
            Random rnd = new Random(seed);
            float[] a = scaled(random(rnd, n), 6), b = random(rnd, n);
            float factor = rnd.nextFloat() * 4 - 2;
            float[][] expected = new float[4][n];
            for (int i = 0; i < n; i++) {
                expected[0][i] = a[i] + b[i];
                expected[1][i] = a[i] * b[i];
                expected[2][i] = a[i] * factor;
                expected[3][i] = (float) (a[i] / (1 + Math.exp(-a[i])) * b[i]);
            }
            DeviceBuffer da = be.upload(a), db = be.upload(b), out = be.allocate(n);
            be.add(da, db, out);
            assertClose(expected[0], out, 0, 0, "add of " + n);
            be.mul(da, db, out);
            assertClose(expected[1], out, 0, 0, "mul of " + n);
            be.scale(da, factor, out);
            assertClose(expected[2], out, 0, 0, "scale of " + n);
            be.siluMul(da, db, out);
            assertClose(expected[3], out, 1e-6, 1e-6, "siluMul of " + n);
        });
    }

    @Test
    public void elementwiseOpsOnChosenValues() {
        ComputeBackend be = backend();
        DeviceBuffer a = be.upload(new float[] {0, 1, -2, 30}),
                b = be.upload(new float[] {5, 2, 3, 2}),
                out = be.allocate(4);
        be.add(a, b, out);
        assertArrayEquals(new float[] {5, 3, 1, 32}, out.read());
        be.mul(a, b, out);
        assertArrayEquals(new float[] {0, 2, -6, 60}, out.read());
        be.scale(a, -0.5f, out);
        assertArrayEquals(new float[] {-0f, -0.5f, 1, -15}, out.read());
        be.siluMul(a, b, out);
        assertArrayEquals(
                new float[] {0, (float) (2 / (1 + Math.exp(-1))), (float) (-6 / (1 + Math.exp(2))), 60},
                out.read(),
                1e-6f);
        be.mulRows(new RowsShape(2, 2), a, be.upload(new float[] {10, -1}), out);
        assertArrayEquals(new float[] {0, -1, -20, -30}, out.read());
        assertThrows(IllegalArgumentException.class, () -> be.mulRows(new RowsShape(2, 2), a, b, out));
    }

    @Test
    public void mulRowsScalesEveryRowByTheVector() {
        ComputeBackend be = backend();
        qt(10).forAll(integers().between(1, 40), integers().between(1, 300), longs().all())
                .checkAssert((rows, cols, seed) -> {
                    Random rnd = new Random(seed);
                    float[] x = random(rnd, rows * cols), v = random(rnd, cols), expected = new float[x.length];
                    for (int i = 0; i < x.length; i++) expected[i] = x[i] * v[i % cols];
                    RowsShape s = new RowsShape(rows, cols);
                    DeviceBuffer out = be.allocate(x.length);
                    be.mulRows(s, be.upload(x), be.upload(v), out);
                    assertClose(expected, out, 0, 0, "mulRows " + s);
                });
    }

    @Test
    public void attentionOfTheFirstQueryCopiesTheFirstValueAndGroupsShareKvHeads() {
        ComputeBackend be = backend();
        Gen<AttentionShape> shapes = in -> {
            int kvHeads = integers().between(1, 2).generate(in);
            return AttentionShape.causal(
                    integers().between(1, 9).generate(in),
                    kvHeads * integers().between(1, 3).generate(in),
                    kvHeads,
                    integers().between(1, 6).generate(in));
        };
        qt(30).forAll(shapes, longs().all()).checkAssert((s, seed) -> {
            Random rnd = new Random(seed);
            int seq = s.queries(), heads = s.heads(), kvHeads = s.kvHeads(), group = s.group(), d = s.headDim();
            float[] q = random(rnd, seq * heads * d),
                    k = random(rnd, seq * kvHeads * d),
                    v = random(rnd, seq * kvHeads * d);
            for (int t = 0; t < seq; t++) { // every head of a group asks the same question
                for (int h = 0; h < heads; h++)
                    System.arraycopy(q, (t * heads + h / group * group) * d, q, (t * heads + h) * d, d);
            }
            DeviceBuffer out = be.allocate(q.length);
            be.causalAttention(
                    s, be.upload(q), be.upload(k), be.upload(v), KvCacheSlice.allocate(be, seq, kvHeads * d), out);
            float[] o = out.read();
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < d; t++)
                    assertEquals(v[(h / group) * d + t], o[h * d + t], 1e-6, "query 0 sees only key 0");
            }
            for (int i = 0; i < seq; i++) {
                for (int h = 0; h < heads; h++) {
                    for (int t = 0; t < d; t++) {
                        assertEquals(
                                o[(i * heads + h / group * group) * d + t],
                                o[(i * heads + h) * d + t],
                                1e-6,
                                "group members differ");
                    }
                }
            }
        });
    }

    /**
     * The attention of Tensor ops: per head, {@code softmax(Q K^T / sqrt(d) + causal mask) V} over the
     * cache rows {@code keys} (the queries being its last rows).
     */
    private static float[] tensorAttention(AttentionShape s, float[] q, float[] keys, float[] values) {
        int d = s.headDim(), past = s.keys() - s.queries();
        float[] mask = new float[s.queries() * s.keys()];
        for (int i = 0; i < s.queries(); i++) {
            for (int j = past + i + 1; j < s.keys(); j++) mask[i * s.keys() + j] = Float.NEGATIVE_INFINITY;
        }
        Tensor maskT = Tensor.of(mask, s.queries(), s.keys());
        Tensor qs = Tensor.of(q, s.queries(), s.heads(), d), ks = Tensor.of(keys, s.keys(), s.kvHeads(), d);
        Tensor vs = Tensor.of(values, s.keys(), s.kvHeads(), d);
        float[] out = new float[q.length];
        for (int h = 0; h < s.heads(); h++) {
            int kv = h / s.group();
            Tensor qh = qs.slice(1, h, h + 1).reshape(s.queries(), d);
            Tensor kh = ks.slice(1, kv, kv + 1).reshape(s.keys(), d),
                    vh = vs.slice(1, kv, kv + 1).reshape(s.keys(), d);
            float[] oh = qh.matmul(kh.t())
                    .mul(1 / Math.sqrt(d))
                    .add(maskT)
                    .softmax(1)
                    .matmul(vh)
                    .toFloatArray();
            for (int i = 0; i < s.queries(); i++) System.arraycopy(oh, i * d, out, (i * s.heads() + h) * d, d);
        }
        return out;
    }

    @Test
    public void attentionEqualsTheTensorOpsOverTheCacheAndAppendsToIt() {
        ComputeBackend be = backend();
        Gen<AttentionShape> shapes = in -> {
            int keys = integers().between(1, 20).generate(in),
                    queries = integers().between(1, 20).generate(in);
            int kvHeads = integers().between(1, 3).generate(in),
                    group = integers().between(1, 3).generate(in);
            return new AttentionShape(
                    Math.min(queries, keys),
                    keys,
                    kvHeads * group,
                    kvHeads,
                    integers().between(1, 20).generate(in));
        };
        qt(15).forAll(shapes, longs().all()).checkAssert((s, seed) -> {
            Random rnd = new Random(seed);
            int kvStride = s.kvHeads() * s.headDim(), past = s.keys() - s.queries(), offset = rnd.nextInt(3) * kvStride;
            float[] q = scaled(random(rnd, s.queries() * s.heads() * s.headDim()), 3);
            float[] k = scaled(random(rnd, s.queries() * kvStride), 3), v = random(rnd, s.queries() * kvStride);
            float[] cachedK = scaled(random(rnd, offset + s.keys() * kvStride), 3),
                    cachedV = random(rnd, offset + s.keys() * kvStride);
            float[] expectedK = cachedK.clone(), expectedV = cachedV.clone();
            System.arraycopy(k, 0, expectedK, offset + past * kvStride, k.length);
            System.arraycopy(v, 0, expectedV, offset + past * kvStride, v.length);
            float[] expected = tensorAttention(
                    s,
                    q,
                    Arrays.copyOfRange(expectedK, offset, expectedK.length),
                    Arrays.copyOfRange(expectedV, offset, expectedV.length));
            KvCacheSlice cache = new KvCacheSlice(be.upload(cachedK), be.upload(cachedV), offset);
            DeviceBuffer out = be.allocate(q.length);
            be.causalAttention(s, be.upload(q), be.upload(k), be.upload(v), cache, out);
            assertClose(
                    expected,
                    out,
                    2e-5,
                    1e-4,
                    "attention " + s + " after " + past + " cached rows at offset " + offset);
            assertClose(expectedK, cache.keys(), 0, 0, "keys appended to the cache");
            assertClose(expectedV, cache.values(), 0, 0, "values appended to the cache");
        });
    }

    @Test
    public void attentionWithEqualScoresAveragesTheVisibleValues() {
        ComputeBackend be = backend();
        // zero keys give equal scores; 2 cached values, then 2 queries: the first sees 3 values, the last all 4
        KvCacheSlice cache = KvCacheSlice.allocate(be, 4, 1);
        cache.values().write(0, new float[] {1, 2});
        DeviceBuffer out = be.allocate(2);
        be.causalAttention(
                new AttentionShape(2, 4, 1, 1, 1),
                be.upload(new float[] {1, 1}),
                be.upload(new float[2]),
                be.upload(new float[] {3, 10}),
                cache,
                out);
        assertArrayEquals(new float[] {2, 4}, out.read(), 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 10}, cache.values().read(), "the queries' own values are appended");
    }

    @Test
    public void decodingAppendsToItsOwnSliceOfASharedCache() {
        ComputeBackend be = backend();
        DeviceBuffer keys = be.allocate(8), values = be.allocate(8), out = be.allocate(1);
        values.write(0, new float[] {-7, -7, -7, -7}); // the slice of another layer
        KvCacheSlice second = new KvCacheSlice(keys, values, 4);
        float[] appended = {1, 3, 5};
        for (int step = 0; step < 3; step++) {
            // all keys zero, so all scores are equal: the mean of the values so far
            be.causalAttention(
                    new AttentionShape(1, step + 1, 1, 1, 1),
                    be.upload(new float[] {1}),
                    be.upload(new float[1]),
                    be.upload(new float[] {appended[step]}),
                    second,
                    out);
            double mean = 0;
            for (int i = 0; i <= step; i++) mean += appended[i] / (step + 1.0);
            assertEquals(mean, out.read()[0], 1e-6, "step " + step);
        }
        assertArrayEquals(new float[] {-7, -7, -7, -7, 1, 3, 5, 0}, values.read());
        assertThrows(
                IllegalArgumentException.class,
                () -> be.causalAttention(
                        new AttentionShape(1, 5, 1, 1, 1),
                        be.upload(new float[] {1}),
                        be.upload(new float[1]),
                        be.upload(new float[1]),
                        second,
                        out),
                "5 rows do not fit from float 4 of 8");
        assertThrows(IllegalArgumentException.class, () -> new KvCacheSlice(keys, keys, 0));
    }

    @Test
    public void partialWritesChangeOnlyTheirRange() {
        DeviceBuffer v = backend().allocate(4);
        v.write(2, new float[] {5, 99});
        assertArrayEquals(new float[] {0, 0, 5, 99}, v.read());
        v.write(0, new float[] {1, 3});
        assertArrayEquals(new float[] {1, 3, 5, 99}, v.read());
        assertThrows(IndexOutOfBoundsException.class, () -> v.write(3, new float[2]));
    }

    @Test
    public void rejectsAliasedMismatchedAndForeignOperands() {
        ComputeBackend be = backend();
        DeviceBuffer a = be.allocate(6), b = be.allocate(6);
        assertThrows(IllegalArgumentException.class, () -> be.add(a, b, a));
        assertThrows(IllegalArgumentException.class, () -> be.add(a, b, be.allocate(5)));
        assertThrows(IllegalArgumentException.class, () -> be.matmul(MatmulShape.of(2, 3, 4), a, b, be.allocate(6)));
        assertThrows(
                IllegalArgumentException.class,
                () -> be.rope(new RopeShape(1, 1, 6, RopeLayout.INTERLEAVED, 1e4f), new int[2], a, b));
        DeviceBuffer foreign = new DeviceBuffer() {
            public int length() {
                return 6;
            }

            public void write(float[] values) {}

            public void write(int offset, float[] values) {}

            public float[] read() {
                return new float[6];
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.add(a, foreign, b));
        assertTrue(e.getMessage().contains("another backend"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttentionShape(3, 2, 2, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new AttentionShape(1, 2, 3, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new RopeShape(1, 1, 5, RopeLayout.INTERLEAVED, 1e4f));
    }
}

package io.flexigpt.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.Gemm;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The reference backend against an independent kernel ({@link Gemm}) and against the laws of each op. */
class CpuBackendTest {
    private final CpuBackend cpu = new CpuBackend();

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }

    @Property(tries = 30)
    void matmulEqualsGemm(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 30) int m,
                          @ForAll @IntRange(min = 1, max = 30) int n, @ForAll @IntRange(min = 1, max = 30) int k,
                          @ForAll boolean transA, @ForAll boolean transB, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] a = random(rnd, batch * m * k), b = random(rnd, batch * k * n), expected = new float[batch * m * n];
        Gemm.sgemmBatched(batch, transA, transB, m, n, k, a, 0, transA ? m : k, m * k, b, 0, transB ? k : n, k * n,
                expected, 0, n, m * n, false);
        DeviceBuffer c = cpu.allocate(batch * m * n);
        cpu.matmul(new MatmulShape(batch, m, n, k, transA, transB), cpu.upload(a), cpu.upload(b), c);
        float[] got = c.read();
        for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-6 * k, "element " + i);
    }

    @Property(tries = 30)
    void softmaxRowsSumToOneAndIgnoreARowShift(@ForAll @IntRange(min = 1, max = 8) int rows, @ForAll @IntRange(min = 1, max = 50) int cols,
                                              @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, rows * cols), shifted = x.clone();
        for (int r = 0; r < rows; r++) {
            float shift = rnd.nextFloat() * 40 - 20;
            for (int j = 0; j < cols; j++) shifted[r * cols + j] += shift;
        }
        RowsShape s = new RowsShape(rows, cols);
        DeviceBuffer p = cpu.allocate(x.length), q = cpu.allocate(x.length);
        cpu.softmaxRows(s, cpu.upload(x), p);
        cpu.softmaxRows(s, cpu.upload(shifted), q);
        float[] pv = p.read(), qv = q.read();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += pv[r * cols + j];
            assertEquals(1, sum, 1e-5, "row " + r);
        }
        for (int i = 0; i < pv.length; i++) assertEquals(pv[i], qv[i], 1e-5, "shift changed element " + i);
    }

    @Property(tries = 30)
    void rmsNormWithUnitGainGivesUnitRmsAndIgnoresScale(@ForAll @IntRange(min = 1, max = 8) int rows,
                                                       @ForAll @IntRange(min = 1, max = 64) int cols, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, rows * cols), scaled = x.clone(), ones = new float[cols];
        java.util.Arrays.fill(ones, 1f);
        for (int i = 0; i < scaled.length; i++) scaled[i] *= 3.5f;
        RowsShape s = new RowsShape(rows, cols);
        DeviceBuffer y = cpu.allocate(x.length), z = cpu.allocate(x.length);
        cpu.rmsNormRows(s, cpu.upload(x), cpu.upload(ones), 0f, y);
        cpu.rmsNormRows(s, cpu.upload(scaled), cpu.upload(ones), 0f, z);
        float[] yv = y.read(), zv = z.read();
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int j = 0; j < cols; j++) ss += yv[r * cols + j] * yv[r * cols + j];
            assertEquals(1, ss / cols, 1e-4, "row " + r);
        }
        for (int i = 0; i < yv.length; i++) assertEquals(yv[i], zv[i], 1e-5, "scale changed element " + i);
    }

    @Property(tries = 30)
    void ropeRotationsComposeAndKeepPairLengths(@ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 8) int pairs,
                                               @ForAll @IntRange(min = 0, max = 300) int p1, @ForAll @IntRange(min = 0, max = 300) int p2,
                                               @ForAll boolean interleaved, @ForAll long seed) {
        RopeLayout layout = interleaved ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF;
        int d = 2 * pairs;
        RopeShape s = new RopeShape(1, heads, d, layout, 10000f);
        float[] x = random(new Random(seed), heads * d);
        DeviceBuffer once = cpu.allocate(x.length), twice = cpu.allocate(x.length), direct = cpu.allocate(x.length);
        cpu.rope(s, new int[] {p1}, cpu.upload(x), once);
        cpu.rope(s, new int[] {p2}, once, twice);
        cpu.rope(s, new int[] {p1 + p2}, cpu.upload(x), direct);
        float[] t = twice.read(), dv = direct.read(), o = once.read();
        for (int i = 0; i < t.length; i++) assertEquals(dv[i], t[i], 1e-4, "rotations do not compose at " + i);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < pairs; i++) {
                int a = h * d + layout.first(i, d), b = h * d + layout.second(i, d);
                assertEquals(Math.hypot(x[a], x[b]), Math.hypot(o[a], o[b]), 1e-5, "pair " + i + " changed length");
            }
        }
    }

    @Example
    void ropeAtPositionZeroIsTheIdentityAndPairsFollowTheLayout() {
        float[] x = {1, 2, 3, 4};
        for (RopeLayout layout : RopeLayout.values()) {
            DeviceBuffer out = cpu.allocate(4);
            cpu.rope(new RopeShape(1, 1, 4, layout, 10000f), new int[] {0}, cpu.upload(x), out);
            assertArrayEquals(x, out.read());
        }
        // position 1, pair 0 rotates by exactly 1 radian: (x0, x1) interleaved, (x0, x2) rotate-half
        DeviceBuffer inter = cpu.allocate(4), half = cpu.allocate(4);
        cpu.rope(new RopeShape(1, 1, 4, RopeLayout.INTERLEAVED, 10000f), new int[] {1}, cpu.upload(x), inter);
        cpu.rope(new RopeShape(1, 1, 4, RopeLayout.ROTATE_HALF, 10000f), new int[] {1}, cpu.upload(x), half);
        assertEquals(Math.cos(1) * 1 - Math.sin(1) * 2, inter.read()[0], 1e-6);
        assertEquals(Math.cos(1) * 1 - Math.sin(1) * 3, half.read()[0], 1e-6);
    }

    @Property(tries = 30)
    void attentionOfTheFirstQueryCopiesTheFirstValueAndGroupsShareKvHeads(@ForAll @IntRange(min = 1, max = 9) int seq,
                                                                         @ForAll @IntRange(min = 1, max = 2) int kvHeads,
                                                                         @ForAll @IntRange(min = 1, max = 3) int group,
                                                                         @ForAll @IntRange(min = 1, max = 6) int d, @ForAll long seed) {
        Random rnd = new Random(seed);
        int heads = kvHeads * group;
        AttentionShape s = AttentionShape.causal(seq, heads, kvHeads, d);
        float[] q = random(rnd, seq * heads * d), k = random(rnd, seq * kvHeads * d), v = random(rnd, seq * kvHeads * d);
        for (int t = 0; t < seq; t++) { // every head of a group asks the same question
            for (int h = 0; h < heads; h++) System.arraycopy(q, (t * heads + h / group * group) * d, q, (t * heads + h) * d, d);
        }
        DeviceBuffer out = cpu.allocate(q.length);
        cpu.causalAttention(s, cpu.upload(q), cpu.upload(k), cpu.upload(v), KvCacheSlice.allocate(cpu, seq, kvHeads * d), out);
        float[] o = out.read();
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < d; t++) assertEquals(v[(h / group) * d + t], o[h * d + t], 1e-6, "query 0 sees only key 0");
        }
        for (int i = 0; i < seq; i++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < d; t++) {
                    assertEquals(o[(i * heads + h / group * group) * d + t], o[(i * heads + h) * d + t], 1e-6, "group members differ");
                }
            }
        }
    }

    @Example
    void attentionWithEqualScoresAveragesTheVisibleValues() {
        // zero keys give equal scores; 2 cached values, then 2 queries: the first sees 3 values, the last all 4
        KvCacheSlice cache = KvCacheSlice.allocate(cpu, 4, 1);
        cache.values().write(0, new float[] {1, 2});
        DeviceBuffer out = cpu.allocate(2);
        cpu.causalAttention(new AttentionShape(2, 4, 1, 1, 1), cpu.upload(new float[] {1, 1}), cpu.upload(new float[2]), cpu.upload(new float[] {3, 10}),
                cache, out);
        assertArrayEquals(new float[] {2, 4}, out.read(), 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 10}, cache.values().read(), "the queries' own values are appended");
    }

    @Example
    void decodingAppendsToItsOwnSliceOfASharedCache() {
        DeviceBuffer keys = cpu.allocate(8), values = cpu.allocate(8), out = cpu.allocate(1);
        values.write(0, new float[] {-7, -7, -7, -7}); // the slice of another layer
        KvCacheSlice second = new KvCacheSlice(keys, values, 4);
        float[] appended = {1, 3, 5};
        for (int step = 0; step < 3; step++) {
            // all keys zero, so all scores are equal: the mean of the values so far
            cpu.causalAttention(new AttentionShape(1, step + 1, 1, 1, 1), cpu.upload(new float[] {1}), cpu.upload(new float[1]),
                    cpu.upload(new float[] {appended[step]}), second, out);
            double mean = 0;
            for (int i = 0; i <= step; i++) mean += appended[i] / (step + 1.0);
            assertEquals(mean, out.read()[0], 1e-6, "step " + step);
        }
        assertArrayEquals(new float[] {-7, -7, -7, -7, 1, 3, 5, 0}, values.read());
        assertThrows(IllegalArgumentException.class, () -> cpu.causalAttention(new AttentionShape(1, 5, 1, 1, 1), cpu.upload(new float[] {1}),
                cpu.upload(new float[1]), cpu.upload(new float[1]), second, out), "5 rows do not fit from float 4 of 8");
        assertThrows(IllegalArgumentException.class, () -> new KvCacheSlice(keys, keys, 0));
    }

    @Example
    void partialWritesChangeOnlyTheirRange() {
        DeviceBuffer v = cpu.allocate(4);
        v.write(2, new float[] {5, 99});
        assertArrayEquals(new float[] {0, 0, 5, 99}, v.read());
        v.write(0, new float[] {1, 3});
        assertArrayEquals(new float[] {1, 3, 5, 99}, v.read());
        assertThrows(IndexOutOfBoundsException.class, () -> v.write(3, new float[2]));
    }

    @Example
    void elementwiseOps() {
        DeviceBuffer a = cpu.upload(new float[] {0, 1, -2, 30}), b = cpu.upload(new float[] {5, 2, 3, 2}), out = cpu.allocate(4);
        cpu.add(a, b, out);
        assertArrayEquals(new float[] {5, 3, 1, 32}, out.read());
        cpu.mul(a, b, out);
        assertArrayEquals(new float[] {0, 2, -6, 60}, out.read());
        cpu.scale(a, -0.5f, out);
        assertArrayEquals(new float[] {-0f, -0.5f, 1, -15}, out.read());
        cpu.siluMul(a, b, out);
        assertArrayEquals(new float[] {0, (float) (2 / (1 + Math.exp(-1))), (float) (-6 / (1 + Math.exp(2))), 60}, out.read(), 1e-6f);
        cpu.mulRows(new RowsShape(2, 2), a, cpu.upload(new float[] {10, -1}), out);
        assertArrayEquals(new float[] {0, -1, -20, -30}, out.read());
        assertThrows(IllegalArgumentException.class, () -> cpu.mulRows(new RowsShape(2, 2), a, b, out));
    }

    @Example
    void rejectsAliasedMismatchedAndForeignOperands() {
        DeviceBuffer a = cpu.allocate(6), b = cpu.allocate(6);
        assertThrows(IllegalArgumentException.class, () -> cpu.add(a, b, a));
        assertThrows(IllegalArgumentException.class, () -> cpu.add(a, b, cpu.allocate(5)));
        assertThrows(IllegalArgumentException.class, () -> cpu.matmul(MatmulShape.of(2, 3, 4), a, b, cpu.allocate(6)));
        assertThrows(IllegalArgumentException.class, () -> cpu.rope(new RopeShape(1, 1, 6, RopeLayout.INTERLEAVED, 1e4f), new int[2], a, b));
        DeviceBuffer foreign = new DeviceBuffer() {
            public int length() { return 6; }
            public void write(float[] values) { }
            public void write(int offset, float[] values) { }
            public float[] read() { return new float[6]; }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.add(a, foreign, b));
        assertTrue(e.getMessage().contains("another backend"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttentionShape(3, 2, 2, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new AttentionShape(1, 2, 3, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new RopeShape(1, 1, 5, RopeLayout.INTERLEAVED, 1e4f));
    }
}

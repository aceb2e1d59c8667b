package io.flexigpt.gpu;

import static io.flexigpt.gpu.OpenClTestSupport.CPU;
import static io.flexigpt.gpu.OpenClTestSupport.assertClose;
import static io.flexigpt.gpu.OpenClTestSupport.random;

import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;
import io.flexigpt.tensor.backend.MatmulShape;
import io.flexigpt.tensor.backend.RopeLayout;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.constraints.IntRange;

/**
 * Every OpenCL kernel equals the {@code CpuBackend} reference on random shapes, including sizes that
 * are not multiples of the matmul tile. Tolerances are stated per op; the reference accumulates in
 * double, the kernels in float.
 */
@AddLifecycleHook(RequiresOpenCl.class)
class OpenClKernelsMatchCpuTest {

    @Property(tries = 25)
    void matmulMatchesReference(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 70) int m,
                                @ForAll @IntRange(min = 1, max = 70) int n, @ForAll @IntRange(min = 1, max = 90) int k,
                                @ForAll boolean transA, @ForAll boolean transB, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        MatmulShape s = new MatmulShape(batch, m, n, k, transA, transB);
        float[] a = random(rnd, batch * m * k), b = random(rnd, batch * k * n);
        float[] expected = run(CPU, s, a, b);
        DeviceBuffer c = cl.allocate(batch * m * n);
        cl.matmul(s, cl.upload(a), cl.upload(b), c);
        assertClose(expected, c, 1e-6 * k, 0, "matmul " + s); // float accumulation: error grows with k
    }

    @Property(tries = 15)
    void matmulWithAConstantOperandMatchesReference(@ForAll @IntRange(min = 1, max = 2) int batch, @ForAll @IntRange(min = 1, max = 40) int m,
                                                    @ForAll @IntRange(min = 1, max = 70) int n, @ForAll @IntRange(min = 1, max = 70) int k,
                                                    @ForAll boolean transB, @ForAll @IntRange(min = 0, max = 3000) int before, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        MatmulShape s = new MatmulShape(batch, m, n, k, false, transB);
        float[] a = random(rnd, batch * m * k), b = random(rnd, batch * k * n);
        if (before > 0) cl.constant(random(rnd, before)); // b then starts inside the packed weights
        DeviceBuffer weight = cl.constant(b), c = cl.allocate(batch * m * n);
        cl.matmul(s, cl.upload(a), weight, c);
        assertClose(run(CPU, s, a, b), c, 1e-6 * k, 0, "matmul with constant B " + s);
        org.junit.jupiter.api.Assertions.assertArrayEquals(b, weight.read());
    }

    private static float[] run(ComputeBackend be, MatmulShape s, float[] a, float[] b) {
        DeviceBuffer c = be.allocate(s.batch() * s.m() * s.n());
        be.matmul(s, be.upload(a), be.upload(b), c);
        return c.read();
    }

    @Property(tries = 15)
    void softmaxMatchesReference(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                 @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        float[] x = scaled(random(new Random(seed), rows * cols), 8);
        RowsShape s = new RowsShape(rows, cols);
        DeviceBuffer ref = CPU.allocate(x.length), out = cl.allocate(x.length);
        CPU.softmaxRows(s, CPU.upload(x), ref);
        cl.softmaxRows(s, cl.upload(x), out);
        assertClose(ref.read(), out, 1e-6, 1e-5, "softmax " + s);
    }

    @Property(tries = 15)
    void rmsNormMatchesReference(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                 @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        float[] x = random(rnd, rows * cols), g = random(rnd, cols);
        RowsShape s = new RowsShape(rows, cols);
        DeviceBuffer ref = CPU.allocate(x.length), out = cl.allocate(x.length);
        CPU.rmsNormRows(s, CPU.upload(x), CPU.upload(g), 1e-5f, ref);
        cl.rmsNormRows(s, cl.upload(x), cl.upload(g), 1e-5f, out);
        assertClose(ref.read(), out, 1e-5, 1e-5, "rmsNorm " + s);
    }

    @Property(tries = 15)
    void ropeMatchesReference(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 1, max = 4) int heads,
                              @ForAll @IntRange(min = 1, max = 24) int halfDim, @ForAll boolean interleaved, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        RopeShape s = new RopeShape(rows, heads, 2 * halfDim, interleaved ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF, 10000f);
        float[] x = random(rnd, rows * heads * 2 * halfDim);
        int[] positions = new int[rows];
        for (int r = 0; r < rows; r++) positions[r] = rnd.nextInt(1024);
        DeviceBuffer ref = CPU.allocate(x.length), out = cl.allocate(x.length);
        CPU.rope(s, positions, CPU.upload(x), ref);
        cl.rope(s, positions, cl.upload(x), out);
        // the angle p·theta^(-2i/d) is formed in float: about 1e-4 absolute error at positions near 1024
        assertClose(ref.read(), out, 5e-4, 0, "rope " + s);
    }

    @Property(tries = 15)
    void elementwiseOpsMatchReference(@ForAll @IntRange(min = 1, max = 5000) int n, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        float[] a = scaled(random(rnd, n), 6), b = random(rnd, n);
        float factor = rnd.nextFloat() * 4 - 2;
        for (String op : new String[] {"add", "mul", "scale", "siluMul"}) {
            DeviceBuffer ref = CPU.allocate(n), out = cl.allocate(n);
            apply(CPU, op, CPU.upload(a), CPU.upload(b), factor, ref);
            apply(cl, op, cl.upload(a), cl.upload(b), factor, out);
            assertClose(ref.read(), out, 1e-6, 1e-6, op + " of " + n);
        }
    }

    @Property(tries = 10)
    void mulRowsMatchesReference(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                 @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        float[] x = random(rnd, rows * cols), v = random(rnd, cols);
        RowsShape s = new RowsShape(rows, cols);
        DeviceBuffer ref = CPU.allocate(x.length), out = cl.allocate(x.length);
        CPU.mulRows(s, CPU.upload(x), CPU.upload(v), ref);
        cl.mulRows(s, cl.upload(x), cl.upload(v), out);
        assertClose(ref.read(), out, 0, 0, "mulRows " + s);
    }

    private static void apply(ComputeBackend be, String op, DeviceBuffer a, DeviceBuffer b, float factor, DeviceBuffer out) {
        switch (op) {
            case "add" -> be.add(a, b, out);
            case "mul" -> be.mul(a, b, out);
            case "scale" -> be.scale(a, factor, out);
            default -> be.siluMul(a, b, out);
        }
    }

    @Property(tries = 15)
    void attentionMatchesReference(@ForAll @IntRange(min = 1, max = 20) int keys, @ForAll @IntRange(min = 1, max = 20) int queries,
                                   @ForAll @IntRange(min = 1, max = 3) int kvHeads, @ForAll @IntRange(min = 1, max = 3) int group,
                                   @ForAll @IntRange(min = 1, max = 20) int headDim, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random rnd = new Random(seed);
        AttentionShape s = new AttentionShape(Math.min(queries, keys), keys, kvHeads * group, kvHeads, headDim);
        int kvStride = kvHeads * headDim, past = keys - s.queries(), offset = rnd.nextInt(3) * kvStride;
        float[] q = scaled(random(rnd, s.queries() * s.heads() * headDim), 3);
        float[] k = scaled(random(rnd, s.queries() * kvStride), 3), v = random(rnd, s.queries() * kvStride);
        float[] cachedK = scaled(random(rnd, offset + keys * kvStride), 3), cachedV = random(rnd, offset + keys * kvStride);
        KvCacheSlice cpuCache = new KvCacheSlice(CPU.upload(cachedK), CPU.upload(cachedV), offset);
        KvCacheSlice clCache = new KvCacheSlice(cl.upload(cachedK), cl.upload(cachedV), offset);
        DeviceBuffer ref = CPU.allocate(q.length), out = cl.allocate(q.length);
        CPU.causalAttention(s, CPU.upload(q), CPU.upload(k), CPU.upload(v), cpuCache, ref);
        cl.causalAttention(s, cl.upload(q), cl.upload(k), cl.upload(v), clCache, out);
        assertClose(ref.read(), out, 2e-5, 1e-4, "attention " + s + " after " + past + " cached rows at offset " + offset);
        assertClose(cpuCache.keys().read(), clCache.keys(), 0, 0, "keys appended to the cache");
        assertClose(cpuCache.values().read(), clCache.values(), 0, 0, "values appended to the cache");
    }

    private static float[] scaled(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) v[i] *= factor;
        return v;
    }
}

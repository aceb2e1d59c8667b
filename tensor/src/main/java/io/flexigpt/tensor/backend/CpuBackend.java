package io.flexigpt.tensor.backend;

/**
 * The reference backend: plain single-threaded loops written for clarity, accumulating in double.
 * Other backends are tested against it; for speed on the CPU use the tensor ops ({@code Gemm}).
 */
public final class CpuBackend implements ComputeBackend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return new CpuBuffer(length);
    }

    @Override
    public DeviceBuffer constant(float[] values) {
        CpuBuffer b = new CpuBuffer(values.length);
        b.write(values);
        b.readOnly = true;
        return b;
    }

    @Override
    public void matmul(MatmulShape s, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        s.check(a, b, c);
        float[] x = data(a), y = data(b), z = output(c);
        int m = s.m(), n = s.n(), k = s.k();
        for (int bi = 0; bi < s.batch(); bi++) {
            int aBase = bi * m * k, bBase = bi * k * n, cBase = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        float av = s.transA() ? x[aBase + p * m + i] : x[aBase + i * k + p];
                        float bv = s.transB() ? y[bBase + j * k + p] : y[bBase + p * n + j];
                        sum += (double) av * bv;
                    }
                    z[cBase + i * n + j] = (float) sum;
                }
            }
        }
    }

    @Override
    public void softmaxRows(RowsShape s, DeviceBuffer x, DeviceBuffer out) {
        s.check("softmaxRows", x, out);
        float[] in = data(x), o = output(out);
        for (int r = 0; r < s.rows(); r++) softmax(in, o, r * s.cols(), s.cols());
    }

    private static void softmax(float[] in, float[] out, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, in[base + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(in[base + j] - max);
        for (int j = 0; j < n; j++) out[base + j] = (float) (Math.exp(in[base + j] - max) / sum);
    }

    @Override
    public void rmsNormRows(RowsShape s, DeviceBuffer x, DeviceBuffer gain, float eps, DeviceBuffer out) {
        Operands.requireDistinct("rmsNormRows", x, gain, out);
        s.check("rmsNormRows", x, out);
        Operands.requireLength("rmsNormRows", "gain", gain, s.cols());
        float[] in = data(x), g = data(gain), o = output(out);
        int n = s.cols();
        for (int r = 0; r < s.rows(); r++) {
            double ss = 0;
            for (int j = 0; j < n; j++) ss += (double) in[r * n + j] * in[r * n + j];
            double inv = 1 / Math.sqrt(ss / n + eps);
            for (int j = 0; j < n; j++) o[r * n + j] = (float) (in[r * n + j] * inv * g[j]);
        }
    }

    @Override
    public void rope(RopeShape s, int[] positions, DeviceBuffer x, DeviceBuffer out) {
        s.check(positions, x, out);
        float[] in = data(x), o = output(out);
        int d = s.headDim();
        for (int r = 0; r < s.rows(); r++) {
            for (int h = 0; h < s.heads(); h++) {
                int base = (r * s.heads() + h) * d;
                for (int i = 0; i < d / 2; i++) {
                    double angle = positions[r] * Math.pow(s.theta(), -2.0 * i / d);
                    double cos = Math.cos(angle), sin = Math.sin(angle);
                    int p = base + s.layout().first(i, d), q = base + s.layout().second(i, d);
                    o[p] = (float) (in[p] * cos - in[q] * sin);
                    o[q] = (float) (in[p] * sin + in[q] * cos);
                }
            }
        }
    }

    @Override
    public void siluMul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        float[] x = data(a), y = data(b), o = elementwiseOutput("siluMul", a, b, out);
        for (int i = 0; i < o.length; i++) o[i] = (float) (x[i] / (1 + Math.exp(-x[i])) * y[i]);
    }

    @Override
    public void add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        float[] x = data(a), y = data(b), o = elementwiseOutput("add", a, b, out);
        for (int i = 0; i < o.length; i++) o[i] = x[i] + y[i];
    }

    @Override
    public void mul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        float[] x = data(a), y = data(b), o = elementwiseOutput("mul", a, b, out);
        for (int i = 0; i < o.length; i++) o[i] = x[i] * y[i];
    }

    @Override
    public void scale(DeviceBuffer a, float factor, DeviceBuffer out) {
        Operands.requireDistinct("scale", a, out);
        Operands.requireSameLength("scale", a, out);
        float[] x = data(a), o = output(out);
        for (int i = 0; i < o.length; i++) o[i] = x[i] * factor;
    }

    @Override
    public void mulRows(RowsShape s, DeviceBuffer x, DeviceBuffer v, DeviceBuffer out) {
        Operands.requireDistinct("mulRows", x, v, out);
        s.check("mulRows", x, out);
        Operands.requireLength("mulRows", "v", v, s.cols());
        float[] in = data(x), row = data(v), o = output(out);
        for (int i = 0; i < o.length; i++) o[i] = in[i] * row[i % s.cols()];
    }

    private float[] elementwiseOutput(String op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        Operands.requireDistinct(op, a, b, out);
        Operands.requireSameLength(op, a, b, out);
        return output(out);
    }

    @Override
    public void causalAttention(
            AttentionShape s, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, KvCacheSlice cache, DeviceBuffer out) {
        s.check(q, k, v, cache, out);
        float[] qs = data(q), ks = output(cache.keys()), vs = output(cache.values()), o = output(out);
        int d = s.headDim(), qStride = s.heads() * d, kvStride = s.kvHeads() * d, base = cache.offset();
        int newRows = base + (s.keys() - s.queries()) * kvStride;
        System.arraycopy(data(k), 0, ks, newRows, s.queries() * kvStride);
        System.arraycopy(data(v), 0, vs, newRows, s.queries() * kvStride);
        double scale = 1 / Math.sqrt(d);
        double[] scores = new double[s.keys()];
        for (int i = 0; i < s.queries(); i++) {
            int visible = s.keys() - s.queries() + i + 1;
            for (int h = 0; h < s.heads(); h++) {
                int qBase = i * qStride + h * d, kvHead = h / s.group();
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    double dot = 0;
                    for (int t = 0; t < d; t++)
                        dot += (double) qs[qBase + t] * ks[base + j * kvStride + kvHead * d + t];
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int t = 0; t < d; t++) {
                    double acc = 0;
                    for (int j = 0; j < visible; j++) acc += scores[j] * vs[base + j * kvStride + kvHead * d + t];
                    o[qBase + t] = (float) (acc / sum);
                }
            }
        }
    }

    private static float[] output(DeviceBuffer b) {
        if (b instanceof CpuBuffer cpu && cpu.readOnly)
            throw new IllegalArgumentException("a constant buffer cannot be an op's output");
        return data(b);
    }

    private static float[] data(DeviceBuffer b) {
        if (b instanceof CpuBuffer cpu) return cpu.data;
        throw new IllegalArgumentException(
                "buffer of another backend (" + b.getClass().getSimpleName() + ") passed to the cpu backend");
    }

    @Override
    public void close() {
        // host memory only: nothing to release
    }
}

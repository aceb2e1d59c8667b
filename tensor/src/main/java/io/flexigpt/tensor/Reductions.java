package io.flexigpt.tensor;

/**
 * Reductions along one axis (sum, mean, max, argmax, variance) and the row-wise normalisations that
 * are reductions followed by a map (softmax, log-softmax, RMSNorm). Sums accumulate in double.
 */
final class Reductions {
    private Reductions() {}

    enum Kind {
        SUM,
        MEAN,
        MAX,
        ARGMAX,
        VAR
    }

    /** Visits every lane along {@code axis}: {@code lane(base, stride, n, outIndex)}. */
    private interface Lane {
        void visit(int base, int stride, int n, int outStorage);
    }

    /** Walks all lanes of {@code x} along {@code axis}, pairing each with one element of {@code out} (shape with the axis removed). */
    private static void lanes(Tensor x, int axis, Tensor out, Lane lane) {
        Tensor first = x.select(axis, 0);
        int n = x.shape[axis], stride = x.strides[axis];
        Strided.forEach(first.shape, first, out, (len, of, sf, oo, so) -> {
            for (int i = 0; i < len; i++) lane.visit(of + i * sf, stride, n, oo + i * so);
        });
    }

    static Tensor reduce(Tensor xStored, int axisArg, boolean keepDim, Kind kind, boolean unbiased) {
        Tensor x = xStored.arithmetic();
        String op = kind.name().toLowerCase();
        int axis = Shapes.axis(axisArg, x.shape.length, op);
        int n = x.shape[axis];
        if (n == 0 && (kind == Kind.MAX || kind == Kind.ARGMAX)) {
            throw new ShapeException(op + ": cannot reduce an empty axis " + axis + " of shape " + Shapes.str(x.shape));
        }
        int[] outShape = removeAxis(x.shape, axis);
        Tensor out = Tensor.zeros(kind == Kind.ARGMAX ? DType.F32 : x.dtype(), outShape);
        if (x.f != null && x.isContiguous() && (kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.MAX) && n > 0) {
            reduceDense(x, axis, out.f, kind);
            return keepDim ? out.unsqueeze(axis) : out;
        }
        lanes(x, axis, out, (base, stride, len, o) -> out.write(o, reduceLane(x, base, stride, len, kind, unbiased)));
        return keepDim ? out.unsqueeze(axis) : out;
    }

    private static double reduceLane(Tensor x, int base, int stride, int n, Kind kind, boolean unbiased) {
        switch (kind) {
            case SUM: {
                double s = 0;
                for (int j = 0; j < n; j++) s += x.read(base + j * stride);
                return s;
            }
            case MEAN: {
                double s = 0;
                for (int j = 0; j < n; j++) s += x.read(base + j * stride);
                return s / n;
            }
            case MAX: {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, x.read(base + j * stride));
                return m;
            }
            case ARGMAX: {
                double m = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int j = 0; j < n; j++) {
                    double v = x.read(base + j * stride);
                    if (v > m || (Double.isNaN(v) && !Double.isNaN(m))) {
                        m = v;
                        arg = j;
                    }
                }
                return arg;
            }
            case VAR: {
                double s = 0;
                for (int j = 0; j < n; j++) s += x.read(base + j * stride);
                double mean = s / n, ss = 0;
                for (int j = 0; j < n; j++) {
                    double dlt = x.read(base + j * stride) - mean;
                    ss += dlt * dlt;
                }
                return ss / (unbiased ? n - 1 : n);
            }
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * Sum, mean or max of a dense fp32 tensor along {@code axis}: the same order per output element as
     * the lane walk (increasing index along the axis, sums in double), but reading memory in order.
     */
    private static void reduceDense(Tensor x, int axis, float[] out, Kind kind) {
        int n = x.shape[axis], inner = 1, outer = 1;
        for (int i = axis + 1; i < x.shape.length; i++) inner *= x.shape[i];
        for (int i = 0; i < axis; i++) outer *= x.shape[i];
        float[] xs = x.f;
        int base = x.offset;
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int at = base + o * n;
                if (kind == Kind.MAX) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) m = Math.max(m, xs[at + j]);
                    out[o] = m;
                } else {
                    double acc = 0;
                    for (int j = 0; j < n; j++) acc += xs[at + j];
                    out[o] = (float) (kind == Kind.MEAN ? acc / n : acc);
                }
            }
            return;
        }
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            int at = base + o * n * inner;
            if (kind == Kind.MAX) {
                for (int i = 0; i < inner; i++) out[o * inner + i] = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    int row = at + j * inner;
                    for (int i = 0; i < inner; i++) out[o * inner + i] = Math.max(out[o * inner + i], xs[row + i]);
                }
                continue;
            }
            java.util.Arrays.fill(acc, 0);
            for (int j = 0; j < n; j++) {
                int row = at + j * inner;
                for (int i = 0; i < inner; i++) acc[i] += xs[row + i];
            }
            for (int i = 0; i < inner; i++) out[o * inner + i] = (float) (kind == Kind.MEAN ? acc[i] / n : acc[i]);
        }
    }

    static int[] removeAxis(int[] shape, int axis) {
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
        return s;
    }

    static double sumAll(Tensor xStored) {
        Tensor x = xStored.arithmetic();
        double[] acc = {0};
        Strided.forEach(x.shape, x, x, (n, oa, sa, ob, sb) -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += x.read(oa + i * sa);
            acc[0] += s;
        });
        return acc[0];
    }

    /**
     * Whether every element is finite. A NaN or infinite element makes the double-accumulated sum non-finite and
     * fp32 values cannot overflow it, so one summing pass decides; only a non-finite fp64 sum is checked element by element.
     */
    static boolean allFinite(Tensor xStored) {
        if (xStored.h != null) return allFiniteHalf(xStored);
        Tensor x = xStored;
        if (Double.isFinite(sumAll(x))) return true;
        if (x.dtype() == DType.F32) return false;
        boolean[] finite = {true};
        Strided.forEach(x.shape, x, x, (n, oa, sa, ob, sb) -> {
            for (int i = 0; i < n; i++) if (!Double.isFinite(x.read(oa + i * sa))) finite[0] = false;
        });
        return finite[0];
    }

    /** A 16-bit value is finite unless its exponent bits are all ones (8 bits for BF16, 5 for F16); no widening. */
    private static boolean allFiniteHalf(Tensor x) {
        int mask = x.dtype() == DType.BF16 ? 0x7F80 : 0x7C00;
        boolean[] finite = {true};
        Strided.forEach(x.shape, x, x, (n, oa, sa, ob, sb) -> {
            for (int i = 0; i < n; i++) if ((x.h[oa + i * sa] & mask) == mask) finite[0] = false;
        });
        return finite[0];
    }

    /** Softmax (or log-softmax) along {@code axis}, max-shifted for stability. */
    static Tensor softmax(Tensor xStored, int axisArg, boolean log) {
        Tensor x = xStored.arithmetic();
        String op = log ? "logSoftmax" : "softmax";
        int axis = Shapes.axis(axisArg, x.shape.length, op);
        Tensor out = Tensor.zeros(x.dtype(), x.shape);
        int size = x.shape[axis];
        if (axis == x.shape.length - 1 && x.isContiguous() && size > 0) {
            int lanes = x.numel() / size;
            Parallelism.forChunks(lanes, laneGrain(size), (start, end) -> {
                for (int lane = start; lane < end; lane++)
                    softmaxLane(x, x.offset + lane * size, 1, size, out, lane * size, 1, log);
            });
            return out;
        }
        Tensor lanesOut = out.select(axis, 0);
        int outStride = out.strides[axis];
        Tensor first = x.select(axis, 0);
        int n = x.shape[axis], stride = x.strides[axis];
        Strided.forEach(first.shape, first, lanesOut, (len, of, sf, oo, so) -> {
            for (int i = 0; i < len; i++) softmaxLane(x, of + i * sf, stride, n, out, oo + i * so, outStride, log);
        });
        return out;
    }

    /**
     * Softmax over the last axis of {@code x [..., rows, keys]} where row r is query {@code r % time} at
     * absolute position {@code queryOffset + r % time} and sees keys {@code 0..queryOffset + r % time}
     * only; the other keys get probability 0 (as a -inf mask followed by softmax, in one pass).
     */
    static Tensor causalSoftmax(Tensor xStored, int time, int queryOffset) {
        Tensor x = xStored.arithmetic();
        int r = x.shape.length;
        if (r < 2) throw new ShapeException("causalSoftmax: expected [..., rows, keys], got " + Shapes.str(x.shape));
        int rows = x.shape[r - 2], keys = x.shape[r - 1];
        if (time < 1 || rows % time != 0 || queryOffset < 0) {
            throw new ShapeException("causalSoftmax: " + rows + " rows are not groups of " + time + " queries (offset "
                    + queryOffset + ") in " + Shapes.str(x.shape));
        }
        Tensor xc = x.contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.shape);
        int lanes = keys == 0 ? 0 : xc.numel() / keys;
        Parallelism.forChunks(lanes, laneGrain(keys), (start, end) -> {
            for (int lane = start; lane < end; lane++) {
                int visible = Math.min(keys, queryOffset + (lane % rows) % time + 1);
                int base = xc.offset + lane * keys, obase = lane * keys;
                softmaxLane(xc, base, 1, visible, out, obase, 1, false);
                if (visible < keys) {
                    if (out.f != null) java.util.Arrays.fill(out.f, obase + visible, obase + keys, 0f);
                    else java.util.Arrays.fill(out.d, obase + visible, obase + keys, 0.0);
                }
            }
        });
        return out;
    }

    /** The gradient of softmax along {@code axis}: {@code y * (g - sum(g * y))}, the sum in double. */
    static Tensor softmaxBackward(Tensor yStored, Tensor gStored, int axisArg) {
        Tensor y = yStored.arithmetic();
        Tensor g = gStored.arithmetic();
        int axis = Shapes.axis(axisArg, y.shape.length, "softmaxBackward");
        if (!java.util.Arrays.equals(y.shape, g.shape)) {
            throw new ShapeException("softmaxBackward: output " + Shapes.str(y.shape) + " and gradient "
                    + Shapes.str(g.shape) + " differ");
        }
        Tensor out = Tensor.zeros(Elementwise.resultType(y, g), y.shape);
        int n = y.shape[axis];
        if (axis == y.shape.length - 1 && out.f != null && n > 0) {
            Tensor yc = y.contiguous(), gc = g.contiguous();
            float[] ys = yc.f, gs = gc.f, os = out.f;
            int lanes = yc.numel() / n;
            Parallelism.forChunks(lanes, laneGrain(n), (start, end) -> {
                for (int lane = start; lane < end; lane++) {
                    int yb = yc.offset + lane * n, gb = gc.offset + lane * n, ob = lane * n;
                    double dot =
                            VectorSupport.AVAILABLE ? VectorSupport.dot(gs, gb, ys, yb, n) : dotF32(gs, gb, ys, yb, n);
                    float d = (float) dot;
                    for (int j = 0; j < n; j++) os[ob + j] = ys[yb + j] * (gs[gb + j] - d);
                }
            });
            return out;
        }
        Tensor dot = g.mul(y).sum(axis, true);
        return y.mul(g.sub(dot));
    }

    /** Lanes per parallel chunk of a row-wise op: enough elements that a hand-off pays. */
    static int laneGrain(int laneLength) {
        return Math.max(1, (1 << 14) / Math.max(1, laneLength));
    }

    /**
     * Gradients of {@code y = x * r * w}, {@code r = (mean(x^2) + eps)^-1/2} over the last axis, given
     * {@code g = dL/dy}: {@code dx = r (g w) - x r^3 mean(g w x)} and {@code dw = sum over rows of g x r}.
     * Returns {@code {dx, dw}}; row sums in double, rows summed in order into dw.
     */
    static Tensor[] rmsNormBackward(Tensor xStored, Tensor weightStored, Tensor gStored, double eps) {
        Tensor x = xStored.arithmetic();
        Tensor weight = weightStored.arithmetic();
        Tensor g = gStored.arithmetic();
        int d = x.shape[x.shape.length - 1];
        if (weight.shape.length != 1 || weight.shape[0] != d || !java.util.Arrays.equals(x.shape, g.shape)) {
            throw new ShapeException("rmsNormBackward: input " + Shapes.str(x.shape) + ", weight "
                    + Shapes.str(weight.shape) + ", gradient " + Shapes.str(g.shape));
        }
        Tensor xc = x.contiguous(), wc = weight.contiguous(), gc = g.contiguous();
        DType dt = x.f != null && weight.f != null && g.f != null ? DType.F32 : DType.F64;
        Tensor dx = Tensor.zeros(dt, x.shape);
        int rows = d == 0 ? 0 : xc.numel() / d;
        double[] inv = new double[rows];
        if (dt == DType.F32) {
            float[] xs = xc.f, ws = wc.f, gs = gc.f, os = dx.f;
            int xo = xc.offset, wo = wc.offset, go = gc.offset;
            Parallelism.forChunks(rows, laneGrain(d), (start, end) -> {
                for (int r = start; r < end; r++) {
                    int xb = xo + r * d, gb = go + r * d;
                    double ss = VectorSupport.AVAILABLE ? VectorSupport.sumSquares(xs, xb, d) : sumSquares(xs, xb, d);
                    double ri = 1.0 / Math.sqrt(ss / d + eps);
                    inv[r] = ri;
                    double gwx = 0;
                    for (int j = 0; j < d; j++) gwx += (double) gs[gb + j] * ws[wo + j] * xs[xb + j];
                    float rf = (float) ri, c = (float) (ri * ri * ri * gwx / d);
                    for (int j = 0; j < d; j++) os[r * d + j] = gs[gb + j] * ws[wo + j] * rf - xs[xb + j] * c;
                }
            });
            double[] acc = new double[d];
            for (int r = 0; r < rows; r++) {
                int xb = xo + r * d, gb = go + r * d;
                float rf = (float) inv[r];
                for (int j = 0; j < d; j++) acc[j] += gs[gb + j] * xs[xb + j] * rf;
            }
            float[] dw = new float[d];
            for (int j = 0; j < d; j++) dw[j] = (float) acc[j];
            return new Tensor[] {dx, Tensor.of(dw, d)};
        }
        double[] acc = new double[d];
        for (int r = 0; r < rows; r++) {
            int xb = xc.offset + r * d, gb = gc.offset + r * d;
            double ss = 0, gwx = 0;
            for (int j = 0; j < d; j++) {
                double v = xc.read(xb + j);
                ss += v * v;
                gwx += gc.read(gb + j) * wc.read(wc.offset + j) * v;
            }
            double ri = 1.0 / Math.sqrt(ss / d + eps), c = ri * ri * ri * gwx / d;
            for (int j = 0; j < d; j++) {
                double v = xc.read(xb + j), gv = gc.read(gb + j);
                dx.write(r * d + j, gv * wc.read(wc.offset + j) * ri - v * c);
                acc[j] += gv * v * ri;
            }
        }
        return new Tensor[] {dx, Tensor.ofDouble(acc, d)};
    }

    private static double dotF32(float[] x, int ox, float[] y, int oy, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) s += (double) x[ox + j] * y[oy + j];
        return s;
    }

    private static void softmaxLane(
            Tensor x, int base, int stride, int n, Tensor out, int obase, int ostride, boolean log) {
        if (n == 0) return;
        if (x.f != null && stride == 1 && out.f != null && ostride == 1) {
            softmaxLaneF32(x.f, base, n, out.f, obase, log);
            return;
        }
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, x.read(base + j * stride));
        if (m == Double.NEGATIVE_INFINITY) { // a fully masked lane: probability 0 everywhere
            for (int j = 0; j < n; j++) out.write(obase + j * ostride, log ? Double.NEGATIVE_INFINITY : 0.0);
            return;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x.read(base + j * stride) - m);
        double lse = m + Math.log(sum);
        for (int j = 0; j < n; j++) {
            double v = x.read(base + j * stride) - lse;
            out.write(obase + j * ostride, log ? v : Math.exp(v));
        }
    }

    /** Dense fp32 lane: exponentials through the Vector API when present, sums in double. */
    private static void softmaxLaneF32(float[] xf, int base, int n, float[] of, int obase, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, xf[base + j]);
        if (m == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(of, obase, obase + n, log ? Float.NEGATIVE_INFINITY : 0f);
            return;
        }
        double sum;
        if (VectorSupport.AVAILABLE) {
            sum = VectorSupport.expShifted(xf, base, of, obase, n, m);
        } else {
            sum = 0;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(xf[base + j] - m);
                of[obase + j] = e;
                sum += e;
            }
        }
        if (log) {
            float lse = (float) (m + Math.log(sum));
            for (int j = 0; j < n; j++) of[obase + j] = xf[base + j] - lse;
        } else {
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) of[obase + j] *= inv;
        }
    }

    /** {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. */
    static Tensor rmsNorm(Tensor xStored, Tensor weightStored, double eps) {
        Tensor x = xStored.arithmetic();
        Tensor weight = weightStored.arithmetic();
        int d = x.shape[x.shape.length - 1];
        if (weight.shape.length != 1 || weight.shape[0] != d) {
            throw new ShapeException("rmsNorm: weight shape " + Shapes.str(weight.shape)
                    + " does not match the last axis of input " + Shapes.str(x.shape));
        }
        Tensor xc = x.contiguous(), wc = weight.contiguous();
        Tensor out = Tensor.zeros(Elementwise.resultType(x, weight), x.shape);
        int rows = d == 0 ? 0 : xc.numel() / d;
        if (xc.f != null && wc.f != null) {
            float[] xs = xc.f, ws = wc.f, os = out.f;
            int xo = xc.offset, wo = wc.offset;
            for (int r = 0; r < rows; r++) {
                int base = xo + r * d;
                double ss = VectorSupport.AVAILABLE ? VectorSupport.sumSquares(xs, base, d) : sumSquares(xs, base, d);
                float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
                for (int j = 0; j < d; j++) os[r * d + j] = xs[base + j] * inv * ws[wo + j];
            }
        } else {
            for (int r = 0; r < rows; r++) {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    double v = xc.read(xc.offset + r * d + j);
                    ss += v * v;
                }
                double inv = 1.0 / Math.sqrt(ss / d + eps);
                for (int j = 0; j < d; j++)
                    out.write(r * d + j, xc.read(xc.offset + r * d + j) * inv * wc.read(wc.offset + j));
            }
        }
        return out;
    }

    private static double sumSquares(float[] x, int off, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) s += (double) x[off + j] * x[off + j];
        return s;
    }
}

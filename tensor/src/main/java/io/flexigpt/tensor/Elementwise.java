package io.flexigpt.tensor;

/**
 * Elementwise kernels: unary maps, binary ops with numpy broadcasting, and the ternary {@code where}.
 * Contiguous fp32 operands take tight loops; everything else goes through {@link Strided}.
 */
final class Elementwise {
    private Elementwise() {}

    enum Unary {
        NEG,
        EXP,
        LOG,
        SQRT,
        RSQRT,
        TANH,
        SIGMOID,
        SILU,
        RELU,
        ABS,
        SQUARE;

        double apply(double x) {
            switch (this) {
                case NEG:
                    return -x;
                case EXP:
                    return Math.exp(x);
                case LOG:
                    return Math.log(x);
                case SQRT:
                    return Math.sqrt(x);
                case RSQRT:
                    return 1.0 / Math.sqrt(x);
                case TANH:
                    return Math.tanh(x);
                case SIGMOID:
                    return sigmoid(x);
                case SILU:
                    return x * sigmoid(x);
                case RELU:
                    return x > 0 ? x : 0.0;
                case ABS:
                    return Math.abs(x);
                case SQUARE:
                    return x * x;
                default:
                    throw new AssertionError(this);
            }
        }
    }

    enum Binary {
        ADD,
        SUB,
        MUL,
        DIV,
        MAX,
        MIN,
        POW,
        GT,
        GE,
        LT,
        EQ;

        double apply(double a, double b) {
            switch (this) {
                case ADD:
                    return a + b;
                case SUB:
                    return a - b;
                case MUL:
                    return a * b;
                case DIV:
                    return a / b;
                case MAX:
                    return Math.max(a, b);
                case MIN:
                    return Math.min(a, b);
                case POW:
                    return Math.pow(a, b);
                case GT:
                    return a > b ? 1 : 0;
                case GE:
                    return a >= b ? 1 : 0;
                case LT:
                    return a < b ? 1 : 0;
                case EQ:
                    return a == b ? 1 : 0;
                default:
                    throw new AssertionError(this);
            }
        }

        String opName() {
            return name().toLowerCase();
        }
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    /** Elements per parallel work unit of the dense loops: a multiple of every vector length, so results do not depend on the split. */
    static final int BLOCK = 1 << 13;

    /** Runs {@code body} over {@code [0, n)} in blocks of {@link #BLOCK}, in parallel when there are several. */
    static void blocks(int n, Parallelism.RangeBody body) {
        if (n <= BLOCK) {
            body.run(0, n);
            return;
        }
        Parallelism.forChunks((n + BLOCK - 1) / BLOCK, 2, (s, e) -> body.run(s * BLOCK, Math.min(n, e * BLOCK)));
    }

    static Tensor unary(Tensor xStored, Unary op) {
        Tensor x = xStored.arithmetic();
        Tensor out = Tensor.zeros(x.dtype(), x.shape);
        if (x.f != null && x.isContiguous()) {
            float[] xs = x.f, os = out.f;
            int off = x.offset;
            blocks(x.numel(), (s, e) -> unaryF32(op, xs, off + s, os, s, e - s));
            return out;
        }
        Strided.forEach(x.shape, x, out, (n, ox, sx, oo, so) -> {
            for (int i = 0; i < n; i++) out.write(oo + i * so, op.apply(x.read(ox + i * sx)));
        });
        return out;
    }

    private static void unaryF32(Unary op, float[] x, int off, float[] out, int oo, int n) {
        if (VectorSupport.AVAILABLE && VectorSupport.unary(op, x, off, out, oo, n)) return;
        switch (op) {
            case NEG:
                for (int i = 0; i < n; i++) out[oo + i] = -x[off + i];
                break;
            case RELU:
                for (int i = 0; i < n; i++) out[oo + i] = Math.max(x[off + i], 0f);
                break;
            case ABS:
                for (int i = 0; i < n; i++) out[oo + i] = Math.abs(x[off + i]);
                break;
            case SQUARE:
                for (int i = 0; i < n; i++) out[oo + i] = x[off + i] * x[off + i];
                break;
            case SQRT:
                for (int i = 0; i < n; i++) out[oo + i] = (float) Math.sqrt(x[off + i]);
                break;
            default:
                for (int i = 0; i < n; i++) out[oo + i] = (float) op.apply(x[off + i]);
        }
    }

    /** {@code op(x, scalar)} elementwise (or {@code op(scalar, x)} when {@code scalarFirst}). */
    static Tensor scalar(Tensor xStored, double s, Binary op, boolean scalarFirst) {
        Tensor x = xStored.arithmetic();
        Tensor out = Tensor.zeros(x.dtype(), x.shape);
        boolean arithmetic = op == Binary.ADD || op == Binary.SUB || op == Binary.MUL || op == Binary.DIV;
        if (x.f != null && !scalarFirst && arithmetic) {
            float[] a = x.f, o = out.f;
            float fs = (float) s;
            if (x.isContiguous()) {
                int off = x.offset;
                blocks(x.numel(), (b, e) -> scalarF32Row(op, a, off + b, 1, fs, o, b, e - b));
            } else {
                // a view (e.g. permuted attention heads): the same fp32 arithmetic, walked row by row
                Strided.forEach(x.shape, x, out, (n, ox, sx, oo, so) -> scalarF32Row(op, a, ox, sx, fs, o, oo, n));
            }
            return out;
        }
        Strided.forEach(x.shape, x, out, (n, ox, sx, oo, so) -> {
            for (int i = 0; i < n; i++) {
                double v = x.read(ox + i * sx);
                out.write(oo + i * so, scalarFirst ? op.apply(s, v) : op.apply(v, s));
            }
        });
        return out;
    }

    /** {@code g * s * (1 + x * (1 - s))} with {@code s = sigmoid(x)}: the gradient of silu. */
    static Tensor siluBackward(Tensor xStored, Tensor gStored) {
        Tensor x = xStored.arithmetic();
        Tensor g = gStored.arithmetic();
        if (!java.util.Arrays.equals(x.shape, g.shape)) {
            throw new ShapeException(
                    "siluBackward: input " + Shapes.str(x.shape) + " and gradient " + Shapes.str(g.shape) + " differ");
        }
        Tensor out = Tensor.zeros(resultType(x, g), x.shape);
        if (out.f != null) {
            Tensor xc = x.contiguous(), gc = g.contiguous();
            float[] xs = xc.f, gs = gc.f, os = out.f;
            int xo = xc.offset, go = gc.offset;
            blocks(out.numel(), (s, e) -> {
                int done =
                        VectorSupport.AVAILABLE ? VectorSupport.siluBackward(xs, xo + s, gs, go + s, os, s, e - s) : 0;
                for (int i = s + done; i < e; i++) {
                    double v = xs[xo + i], sg = sigmoid(v);
                    os[i] = (float) (gs[go + i] * sg * (1 + v * (1 - sg)));
                }
            });
            return out;
        }
        Strided.forEach(x.shape, x, g, out, (n, ox, sx, og, sg, oo, so) -> {
            for (int i = 0; i < n; i++) {
                double v = x.read(ox + i * sx), s = sigmoid(v);
                out.write(oo + i * so, g.read(og + i * sg) * s * (1 + v * (1 - s)));
            }
        });
        return out;
    }

    private static void scalarF32Row(Binary op, float[] a, int oa, int sa, float fs, float[] o, int oo, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] + fs;
                return;
            case SUB:
                for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] - fs;
                return;
            case MUL:
                for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] * fs;
                return;
            case DIV:
                for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] / fs;
                return;
            default:
                throw new AssertionError(op);
        }
    }

    /** F64 when either operand is F64, else F32 (16-bit operands compute in fp32). */
    static DType resultType(Tensor a, Tensor b) {
        return a.dtype() == DType.F64 || b.dtype() == DType.F64 ? DType.F64 : DType.F32;
    }

    static Tensor binary(Tensor a, Tensor b, Binary op) {
        a = a.arithmetic();
        b = b.arithmetic();
        int[] shape = Shapes.broadcast(a.shape, b.shape, op.opName());
        Tensor out = Tensor.zeros(resultType(a, b), shape);
        Tensor ea = a.expand(shape), eb = b.expand(shape);
        if (out.f != null
                && a.f != null
                && b.f != null
                && java.util.Arrays.equals(a.shape, shape)
                && java.util.Arrays.equals(b.shape, shape)
                && a.isContiguous()
                && b.isContiguous()) {
            float[] x = a.f, y = b.f, o = out.f;
            int xa = a.offset, yb = b.offset;
            blocks(out.numel(), (s, e) -> binaryF32Row(op, e - s, x, xa + s, 1, y, yb + s, 1, o, s));
            return out;
        }
        if (out.f != null) {
            float[] x = a.f, y = b.f, o = out.f;
            Strided.forEach(
                    shape,
                    ea,
                    eb,
                    out,
                    (n, ox, sx, oy, sy, oo, so) -> binaryF32Row(op, n, x, ox, sx, y, oy, sy, o, oo));
        } else {
            Strided.forEach(shape, ea, eb, out, (n, ox, sx, oy, sy, oo, so) -> {
                for (int i = 0; i < n; i++) out.d[oo + i] = op.apply(ea.read(ox + i * sx), eb.read(oy + i * sy));
            });
        }
        return out;
    }

    /** One row of a binary op on fp32 storage; the output row is dense. */
    private static void binaryF32Row(
            Binary op, int n, float[] x, int ox, int sx, float[] y, int oy, int sy, float[] o, int oo) {
        if (sx == 1 && sy == 1) {
            if (VectorSupport.AVAILABLE && VectorSupport.binary(op, x, ox, y, oy, o, oo, n)) return;
            switch (op) {
                case ADD:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] + y[oy + i];
                    return;
                case SUB:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] - y[oy + i];
                    return;
                case MUL:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] * y[oy + i];
                    return;
                case DIV:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] / y[oy + i];
                    return;
                default:
                    break;
            }
        } else if (sx == 1 && sy == 0) {
            float c = y[oy];
            switch (op) {
                case ADD:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] + c;
                    return;
                case SUB:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] - c;
                    return;
                case MUL:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] * c;
                    return;
                case DIV:
                    for (int i = 0; i < n; i++) o[oo + i] = x[ox + i] / c;
                    return;
                default:
                    break;
            }
        }
        for (int i = 0; i < n; i++) o[oo + i] = (float) op.apply(x[ox + i * sx], y[oy + i * sy]);
    }

    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond = cond.arithmetic();
        a = a.arithmetic();
        b = b.arithmetic();
        int[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape, a.shape, "where"), b.shape, "where");
        Tensor out = Tensor.zeros(resultType(a, b), shape);
        Tensor ec = cond.expand(shape), ea = a.expand(shape), eb = b.expand(shape);
        // first copy b, then overwrite where the condition holds
        Strided.copy(eb, out);
        if (ec.f != null && ea.f != null && out.f != null) {
            float[] cf = ec.f, af = ea.f, of = out.f;
            Strided.forEach(shape, ec, ea, out, (n, oc, sc, oa, sa, oo, so) -> {
                for (int i = 0; i < n; i++) {
                    if (cf[oc + i * sc] != 0) of[oo + i * so] = af[oa + i * sa];
                }
            });
            return out;
        }
        Strided.forEach(shape, ec, ea, out, (n, oc, sc, oa, sa, oo, so) -> {
            for (int i = 0; i < n; i++) {
                if (ec.read(oc + i * sc) != 0) out.write(oo + i * so, ea.read(oa + i * sa));
            }
        });
        return out;
    }
}

package io.flexigpt.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of the hot elementwise kernels. Loaded only through {@link VectorSupport}. */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static int lanes() {
        return S.length();
    }

    /**
     * {@code e^x} from basic arithmetic only (Cephes' single-precision polynomial, about 1 ulp), so the
     * result is the same bit for bit whether the code runs interpreted or compiled; the library's
     * lanewise EXP is not (it calls a native math library once compiled). Below -87.3 the result is 0.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, -87.3f);
        FloatVector c = x.min(88.7f).max(-87.3f);
        // adding 1.5 * 2^23 rounds to the nearest integer n, which then sits in the low mantissa bits
        // (bits = 0x4B400000 + n): the bits give 2^n without a float-to-int conversion, which the
        // JIT does not intrinsify for every vector shape
        FloatVector shifted = c.mul(1.44269504088896341f).add(12582912f);
        FloatVector n = shifted.sub(12582912f);
        FloatVector r = c.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f));
        FloatVector r2 = r.mul(r);
        FloatVector y = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        y = y.mul(r).add(8.3334519073E-3f);
        y = y.mul(r).add(4.1665795894E-2f);
        y = y.mul(r).add(1.6666665459E-1f);
        y = y.mul(r).add(5.0000001201E-1f);
        y = y.mul(r2).add(r).add(1f);
        IntVector bits = shifted.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector pow2n = bits.reinterpretAsFloats();
        return y.mul(pow2n).blend(0f, underflow);
    }

    static boolean unary(Elementwise.Unary op, float[] x, int ox, float[] o, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case EXP:
                for (; i < bound; i += S.length())
                    exp(FloatVector.fromArray(S, x, ox + i)).intoArray(o, oo + i);
                break;
            case TANH:
                for (; i < bound; i += S.length()) {
                    FloatVector e =
                            exp(FloatVector.fromArray(S, x, ox + i).mul(2f).min(88f));
                    FloatVector.broadcast(S, 1f)
                            .sub(FloatVector.broadcast(S, 2f).div(e.add(1f)))
                            .intoArray(o, oo + i);
                }
                break;
            case SIGMOID:
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, ox + i);
                    FloatVector.broadcast(S, 1f).div(exp(v.neg()).add(1f)).intoArray(o, oo + i);
                }
                break;
            case SILU:
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, ox + i);
                    v.div(exp(v.neg()).add(1f)).intoArray(o, oo + i);
                }
                break;
            default:
                return false;
        }
        for (; i < n; i++) o[oo + i] = (float) op.apply(x[ox + i]);
        return true;
    }

    static boolean binary(Elementwise.Binary op, float[] x, int ox, float[] y, int oy, float[] o, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case ADD:
                for (; i < bound; i += S.length())
                    FloatVector.fromArray(S, x, ox + i)
                            .add(FloatVector.fromArray(S, y, oy + i))
                            .intoArray(o, oo + i);
                break;
            case SUB:
                for (; i < bound; i += S.length())
                    FloatVector.fromArray(S, x, ox + i)
                            .sub(FloatVector.fromArray(S, y, oy + i))
                            .intoArray(o, oo + i);
                break;
            case MUL:
                for (; i < bound; i += S.length())
                    FloatVector.fromArray(S, x, ox + i)
                            .mul(FloatVector.fromArray(S, y, oy + i))
                            .intoArray(o, oo + i);
                break;
            case DIV:
                for (; i < bound; i += S.length())
                    FloatVector.fromArray(S, x, ox + i)
                            .div(FloatVector.fromArray(S, y, oy + i))
                            .intoArray(o, oo + i);
                break;
            default:
                return false;
        }
        for (; i < n; i++) o[oo + i] = (float) op.apply(x[ox + i], y[oy + i]);
        return true;
    }

    /** {@code g * s * (1 + x (1 - s))}, s = 1 / (1 + e^-x), over whole vectors; returns the count written. */
    static int siluBackward(float[] x, int ox, float[] g, int og, float[] o, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, ox + i);
            FloatVector s = FloatVector.broadcast(S, 1f).div(exp(v.neg()).add(1f));
            FloatVector t = v.mul(FloatVector.broadcast(S, 1f).sub(s)).add(1f);
            FloatVector.fromArray(S, g, og + i).mul(s).mul(t).intoArray(o, oo + i);
        }
        return i;
    }

    /** Writes {@code exp(x - shift)} and returns its sum (lanes summed in double per vector). */
    static double expShifted(float[] x, int ox, float[] o, int oo, int n, float shift) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            FloatVector e = exp(FloatVector.fromArray(S, x, ox + i).sub(shift));
            e.intoArray(o, oo + i);
            acc = acc.add(e);
        }
        double sum = sumLanes(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[ox + i] - shift);
            o[oo + i] = e;
            sum += e;
        }
        return sum;
    }

    /** The lanes added in lane order (deterministic, unlike reduceLanes; no variable-index lane access). */
    private static double sumLanes(FloatVector v) {
        float[] tmp = new float[S.length()];
        v.intoArray(tmp, 0);
        double s = 0;
        for (float f : tmp) s += f;
        return s;
    }

    /** Dot product accumulated in fp32 lanes, summed in double at the end. */
    static double dot(float[] x, int ox, float[] y, int oy, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += S.length())
            acc = FloatVector.fromArray(S, x, ox + i).fma(FloatVector.fromArray(S, y, oy + i), acc);
        double s = sumLanes(acc);
        for (; i < n; i++) s += (double) x[ox + i] * y[oy + i];
        return s;
    }

    static double sumSquares(float[] x, int ox, int n) {
        return dot(x, ox, x, ox, n);
    }
}

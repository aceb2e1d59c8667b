package io.flexigpt.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of the hot elementwise kernels. Loaded only through {@link VectorSupport}. */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static int lanes() {
        return S.length();
    }

    static boolean unary(Elementwise.Unary op, float[] x, int ox, float[] o, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case EXP:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).lanewise(VectorOperators.EXP).intoArray(o, oo + i);
                break;
            case TANH:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).lanewise(VectorOperators.TANH).intoArray(o, oo + i);
                break;
            case SIGMOID:
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, ox + i);
                    FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(o, oo + i);
                }
                break;
            case SILU:
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, ox + i);
                    v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(o, oo + i);
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
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).add(FloatVector.fromArray(S, y, oy + i)).intoArray(o, oo + i);
                break;
            case SUB:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).sub(FloatVector.fromArray(S, y, oy + i)).intoArray(o, oo + i);
                break;
            case MUL:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).mul(FloatVector.fromArray(S, y, oy + i)).intoArray(o, oo + i);
                break;
            case DIV:
                for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, ox + i).div(FloatVector.fromArray(S, y, oy + i)).intoArray(o, oo + i);
                break;
            default:
                return false;
        }
        for (; i < n; i++) o[oo + i] = (float) op.apply(x[ox + i], y[oy + i]);
        return true;
    }

    /** Writes {@code exp(x - shift)} and returns its sum (lanes summed in double per vector). */
    static double expShifted(float[] x, int ox, float[] o, int oo, int n, float shift) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, x, ox + i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(o, oo + i);
            acc = acc.add(e);
        }
        double sum = 0;
        for (int l = 0; l < S.length(); l++) sum += acc.lane(l);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[ox + i] - shift);
            o[oo + i] = e;
            sum += e;
        }
        return sum;
    }

    /** Dot product accumulated in fp32 lanes, summed in double at the end. */
    static double dot(float[] x, int ox, float[] y, int oy, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += S.length()) acc = FloatVector.fromArray(S, x, ox + i).fma(FloatVector.fromArray(S, y, oy + i), acc);
        double s = 0;
        for (int l = 0; l < S.length(); l++) s += acc.lane(l);
        for (; i < n; i++) s += (double) x[ox + i] * y[oy + i];
        return s;
    }

    static double sumSquares(float[] x, int ox, int n) {
        return dot(x, ox, x, ox, n);
    }
}

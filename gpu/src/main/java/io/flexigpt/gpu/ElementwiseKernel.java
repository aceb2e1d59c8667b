package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * The elementwise ops, one kernel chosen by {@link #op} so they compile once: add, mul, scale, silu·mul,
 * and mul by a row vector of {@link #cols} floats repeated over the rows.
 */
final class ElementwiseKernel extends Kernel {
    static final int ADD = 0;
    static final int MUL = 1;
    static final int SCALE = 2;
    static final int SILU_MUL = 3;
    static final int MUL_ROWS = 4;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] out = new float[1];
    int length;
    int op;
    int cols = 1;
    float factor;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < length) {
            if (op == ADD) {
                out[i] = a[i] + b[i];
            } else if (op == MUL) {
                out[i] = a[i] * b[i];
            } else if (op == SCALE) {
                out[i] = a[i] * factor;
            } else if (op == MUL_ROWS) {
                out[i] = a[i] * b[i % cols];
            } else {
                float v = a[i];
                out[i] = v / (1f + exp(-v)) * b[i];
            }
        }
    }
}

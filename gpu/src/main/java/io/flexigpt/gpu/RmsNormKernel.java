package io.flexigpt.gpu;

import com.aparapi.Kernel;

/** RMSNorm of each row with a per-column gain; one work-item per row. */
final class RmsNormKernel extends Kernel {
    float[] x = new float[1];
    float[] gain = new float[1];
    float[] out = new float[1];
    int rows;
    int cols;
    float eps;

    @Override
    public void run() {
        int r = getGlobalId();
        if (r < rows) {
            int base = r * cols;
            float ss = 0f;
            for (int j = 0; j < cols; j++) ss += x[base + j] * x[base + j];
            float inv = rsqrt(ss / cols + eps);
            for (int j = 0; j < cols; j++) out[base + j] = x[base + j] * inv * gain[j];
        }
    }
}

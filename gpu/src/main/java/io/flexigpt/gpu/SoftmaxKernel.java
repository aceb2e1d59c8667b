package io.flexigpt.gpu;

import com.aparapi.Kernel;

/** Softmax of each row; one work-item per row, max-subtracted. */
final class SoftmaxKernel extends Kernel {
    float[] x = new float[1];
    float[] out = new float[1];
    int rows;
    int cols;

    @Override
    public void run() {
        int r = getGlobalId();
        if (r < rows) {
            int base = r * cols;
            float rowMax = x[base];
            for (int j = 1; j < cols; j++) rowMax = max(rowMax, x[base + j]);
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = exp(x[base + j] - rowMax);
                out[base + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) out[base + j] = out[base + j] * inv;
        }
    }
}

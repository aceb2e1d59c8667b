package io.flexigpt.gpu;

import com.aparapi.Kernel;

/** Rotary position embedding; one work-item per (row, head, pair), pairs interleaved or rotate-pairs. */
final class RopeKernel extends Kernel {
    float[] x = new float[1];
    float[] out = new float[1];
    int[] positions = new int[1];
    int rows;
    int heads;
    int headDim;
    int interleaved;
    float theta;

    @Override
    public void run() {
        int id = getGlobalId();
        int pairs = headDim / 2;
        if (id < rows * heads * pairs) {
            int i = id % pairs;
            int rowHead = id / pairs;
            int row = rowHead / heads;
            int base = rowHead * headDim;
            float angle = positions[row] * pow(theta, -2f * i / headDim);
            float cosine = cos(angle);
            float sine = sin(angle);
            int p = base + i;
            int q = base + i + pairs;
            if (interleaved == 1) {
                p = base + 2 * i;
                q = p + 1;
            }
            float xp = x[p];
            float xq = x[q];
            out[p] = xp * cosine - xq * sine;
            out[q] = xp * sine + xq * cosine;
        }
    }
}

package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Causal grouped-query attention; one work-item per (query, head). Scores are consumed in one pass
 * with a running maximum (online softmax): the weighted value sum accumulates directly in the
 * work-item's output row, rescaled whenever the maximum grows, and is divided by the softmax
 * denominator at the end.
 */
final class AttentionKernel extends Kernel {
    float[] q = new float[1];
    float[] k = new float[1];
    float[] v = new float[1];
    float[] out = new float[1];
    int queries;
    int keys;
    int heads;
    int group;
    int headDim;
    int kvStride;
    float scale;

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < queries * heads) {
            int i = id / heads;
            int h = id % heads;
            int qBase = (i * heads + h) * headDim;
            int kvBase = (h / group) * headDim;
            int visible = keys - queries + i + 1;
            for (int t = 0; t < headDim; t++) out[qBase + t] = 0f;
            float runningMax = -3.4028235e38f;
            float denominator = 0f;
            for (int j = 0; j < visible; j++) {
                int kvRow = j * kvStride + kvBase;
                float dot = 0f;
                for (int t = 0; t < headDim; t++) dot += q[qBase + t] * k[kvRow + t];
                float s = dot * scale;
                if (s > runningMax) {
                    float correction = exp(runningMax - s);
                    denominator = denominator * correction;
                    for (int t = 0; t < headDim; t++) out[qBase + t] = out[qBase + t] * correction;
                    runningMax = s;
                }
                float p = exp(s - runningMax);
                denominator += p;
                for (int t = 0; t < headDim; t++) out[qBase + t] += p * v[kvRow + t];
            }
            float inv = 1f / denominator;
            for (int t = 0; t < headDim; t++) out[qBase + t] = out[qBase + t] * inv;
        }
    }
}

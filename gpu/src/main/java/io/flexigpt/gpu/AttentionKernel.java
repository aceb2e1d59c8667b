package io.flexigpt.gpu;

import com.aparapi.Kernel;

/**
 * Causal grouped-query attention over a KV cache; one work-item per (query, head). Keys and values of
 * earlier positions are read from the cache, the queries' own from {@link #kNew}/{@link #vNew}; the
 * first head of each group also stores its query's new row in the cache (rows nobody reads from the
 * cache in the same launch), so the cache never leaves the device. Scores are consumed in one pass
 * with a running maximum (online softmax): the weighted value sum accumulates directly in the
 * work-item's output row, rescaled whenever the maximum grows, and is divided by the softmax
 * denominator at the end.
 */
final class AttentionKernel extends Kernel {
    float[] q = new float[1];
    float[] kNew = new float[1];
    float[] vNew = new float[1];
    float[] kCache = new float[1];
    float[] vCache = new float[1];
    float[] out = new float[1];
    int queries;
    int keys;
    int heads;
    int group;
    int headDim;
    int kvStride;
    int cacheOffset;
    float scale;

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < queries * heads) {
            int i = id / heads;
            int h = id % heads;
            int qBase = (i * heads + h) * headDim;
            int kvBase = (h / group) * headDim;
            int past = keys - queries;
            if (h % group == 0) {
                int from = i * kvStride + kvBase;
                int to = cacheOffset + (past + i) * kvStride + kvBase;
                for (int t = 0; t < headDim; t++) {
                    kCache[to + t] = kNew[from + t];
                    vCache[to + t] = vNew[from + t];
                }
            }
            int visible = past + i + 1;
            for (int t = 0; t < headDim; t++) out[qBase + t] = 0f;
            float runningMax = -3.4028235e38f;
            float denominator = 0f;
            for (int j = 0; j < visible; j++) {
                float dot = 0f;
                if (j < past) {
                    int row = cacheOffset + j * kvStride + kvBase;
                    for (int t = 0; t < headDim; t++) dot += q[qBase + t] * kCache[row + t];
                } else {
                    int row = (j - past) * kvStride + kvBase;
                    for (int t = 0; t < headDim; t++) dot += q[qBase + t] * kNew[row + t];
                }
                float s = dot * scale;
                if (s > runningMax) {
                    float correction = exp(runningMax - s);
                    denominator = denominator * correction;
                    for (int t = 0; t < headDim; t++) out[qBase + t] = out[qBase + t] * correction;
                    runningMax = s;
                }
                float p = exp(s - runningMax);
                denominator += p;
                if (j < past) {
                    int row = cacheOffset + j * kvStride + kvBase;
                    for (int t = 0; t < headDim; t++) out[qBase + t] += p * vCache[row + t];
                } else {
                    int row = (j - past) * kvStride + kvBase;
                    for (int t = 0; t < headDim; t++) out[qBase + t] += p * vNew[row + t];
                }
            }
            float inv = 1f / denominator;
            for (int t = 0; t < headDim; t++) out[qBase + t] = out[qBase + t] * inv;
        }
    }
}

package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;
import io.flexigpt.tensor.backend.MatmulShape;
import io.flexigpt.tensor.backend.RopeLayout;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.Random;

/**
 * One Llama decoder layer (RMSNorm, GQA attention with RoPE, SwiGLU MLP, residuals) composed only
 * of {@link ComputeBackend} ops, with weights stored [out, in] as checkpoints store them.
 */
final class TinyLlamaLayer {
    final int dim, heads, kvHeads, headDim, hidden;
    final float[] attnNorm, wq, wk, wv, wo, mlpNorm, w1, w2, w3;

    TinyLlamaLayer(int heads, int kvHeads, int headDim, int hidden, long seed) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.hidden = hidden;
        this.dim = heads * headDim;
        Random rnd = new Random(seed);
        float scale = (float) (1 / Math.sqrt(dim));
        attnNorm = OpenClTestSupport.random(rnd, dim);
        wq = weights(rnd, dim, dim, scale);
        wk = weights(rnd, kvHeads * headDim, dim, scale);
        wv = weights(rnd, kvHeads * headDim, dim, scale);
        wo = weights(rnd, dim, dim, scale);
        mlpNorm = OpenClTestSupport.random(rnd, dim);
        w1 = weights(rnd, hidden, dim, scale);
        w3 = weights(rnd, hidden, dim, scale);
        w2 = weights(rnd, dim, hidden, (float) (1 / Math.sqrt(hidden)));
    }

    private static float[] weights(Random rnd, int out, int in, float scale) {
        float[] w = OpenClTestSupport.random(rnd, out * in);
        for (int i = 0; i < w.length; i++) w[i] *= scale;
        return w;
    }

    /** The layer's output for {@code seq} token rows {@code x} ([seq, dim]) at positions 0..seq-1. */
    float[] forward(ComputeBackend be, float[] x, int seq) {
        int kvDim = kvHeads * headDim;
        int[] positions = new int[seq];
        for (int i = 0; i < seq; i++) positions[i] = i;
        DeviceBuffer in = be.upload(x);
        DeviceBuffer xn = be.allocate(seq * dim);
        be.rmsNormRows(new RowsShape(seq, dim), in, be.upload(attnNorm), 1e-5f, xn);
        DeviceBuffer q = linear(be, xn, seq, wq, dim), k = linear(be, xn, seq, wk, kvDim), v = linear(be, xn, seq, wv, kvDim);
        DeviceBuffer qr = be.allocate(seq * dim), kr = be.allocate(seq * kvDim);
        be.rope(new RopeShape(seq, heads, headDim, RopeLayout.INTERLEAVED, 10000f), positions, q, qr);
        be.rope(new RopeShape(seq, kvHeads, headDim, RopeLayout.INTERLEAVED, 10000f), positions, k, kr);
        DeviceBuffer attention = be.allocate(seq * dim);
        be.causalAttention(AttentionShape.causal(seq, heads, kvHeads, headDim), qr, kr, v, KvCacheSlice.allocate(be, seq, kvDim), attention);
        DeviceBuffer h = be.allocate(seq * dim);
        be.add(in, linear(be, attention, seq, wo, dim), h);
        DeviceBuffer hn = be.allocate(seq * dim);
        be.rmsNormRows(new RowsShape(seq, dim), h, be.upload(mlpNorm), 1e-5f, hn);
        DeviceBuffer act = be.allocate(seq * hidden);
        be.siluMul(linear(be, hn, seq, w1, hidden), linear(be, hn, seq, w3, hidden), act);
        DeviceBuffer out = be.allocate(seq * dim);
        be.add(h, linear(be, act, seq, w2, dim), out);
        return out.read();
    }

    private static DeviceBuffer linear(ComputeBackend be, DeviceBuffer x, int rows, float[] weight, int outDim) {
        int inDim = weight.length / outDim;
        DeviceBuffer y = be.allocate(rows * outDim);
        be.matmul(new MatmulShape(1, rows, outDim, inDim, false, true), x, be.upload(weight), y);
        return y;
    }
}

package io.flexigpt.bench;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.MatmulShape;
import io.flexigpt.tensor.backend.RopeLayout;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.Map;

/**
 * The forward pass of a plain {@link LlamaModel} expressed in {@link ComputeBackend} ops (weights uploaded
 * once), so the same model can be run on the CPU reference or on an OpenCL device and compared.
 */
public final class BackendForward {
    private final ComputeBackend be;
    private final LlamaConfig c;
    private final float[] embedding;
    private final DeviceBuffer head, finalNorm;
    private final DeviceBuffer[][] layers;
    private final RopeLayout layout;

    public BackendForward(LlamaModel model, ComputeBackend backend) {
        this.be = backend;
        this.c = model.config();
        Map<String, Tensor> w = model.stateDict();
        embedding = w.get("model.embed_tokens.weight").toFloatArray();
        head = be.upload(model.headWeight().value().toFloatArray());
        finalNorm = be.upload(w.get("model.norm.weight").toFloatArray());
        String[] names = {"input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
        layers = new DeviceBuffer[c.nLayers()][names.length];
        for (int l = 0; l < c.nLayers(); l++) {
            for (int i = 0; i < names.length; i++) layers[l][i] = be.upload(w.get("model.layers." + l + "." + names[i] + ".weight").toFloatArray());
        }
        layout = c.ropeLayout() == io.flexigpt.nn.RopeLayout.INTERLEAVED ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF;
    }

    /** Logits {@code [tokens.length * vocab]} for one sequence at positions 0.. . */
    public float[] logits(int[] tokens) {
        int seq = tokens.length, d = c.dim(), kv = c.kvDim(), h = c.hiddenDim();
        float[] x0 = new float[seq * d];
        for (int t = 0; t < seq; t++) System.arraycopy(embedding, tokens[t] * d, x0, t * d, d);
        int[] positions = new int[seq];
        for (int i = 0; i < seq; i++) positions[i] = i;
        DeviceBuffer x = be.upload(x0);
        for (DeviceBuffer[] L : layers) {
            DeviceBuffer xn = be.allocate(seq * d);
            be.rmsNormRows(new RowsShape(seq, d), x, L[0], c.normEps(), xn);
            DeviceBuffer q = linear(xn, seq, L[1], d, d), k = linear(xn, seq, L[2], kv, d), v = linear(xn, seq, L[3], kv, d);
            DeviceBuffer qr = be.allocate(seq * d), kr = be.allocate(seq * kv);
            be.rope(new RopeShape(seq, c.nHeads(), c.headDim(), layout, c.ropeTheta()), positions, q, qr);
            be.rope(new RopeShape(seq, c.nKvHeads(), c.headDim(), layout, c.ropeTheta()), positions, k, kr);
            DeviceBuffer att = be.allocate(seq * d);
            be.causalAttention(AttentionShape.causal(seq, c.nHeads(), c.nKvHeads(), c.headDim()), qr, kr, v, att);
            DeviceBuffer h1 = be.allocate(seq * d);
            be.add(x, linear(att, seq, L[4], d, d), h1);
            DeviceBuffer hn = be.allocate(seq * d);
            be.rmsNormRows(new RowsShape(seq, d), h1, L[5], c.normEps(), hn);
            DeviceBuffer act = be.allocate(seq * h);
            be.siluMul(linear(hn, seq, L[6], h, d), linear(hn, seq, L[7], h, d), act);
            DeviceBuffer out = be.allocate(seq * d);
            be.add(h1, linear(act, seq, L[8], d, h), out);
            x = out;
        }
        DeviceBuffer xn = be.allocate(seq * d);
        be.rmsNormRows(new RowsShape(seq, d), x, finalNorm, c.normEps(), xn);
        return linear(xn, seq, head, c.vocabSize(), d).read();
    }

    private DeviceBuffer linear(DeviceBuffer x, int rows, DeviceBuffer weight, int out, int in) {
        DeviceBuffer y = be.allocate(rows * out);
        be.matmul(new MatmulShape(1, rows, out, in, false, true), x, weight, y);
        return y;
    }
}

package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;
import io.flexigpt.tensor.backend.RowsShape;

/**
 * The pre-norm Llama block: {@code x += s_a ⊙ Attn(norm_a(x)); x += s_m ⊙ MLP(norm_m(x))}. The per-channel
 * output scales {@code s_a, s_m} exist only on blocks that need them (FlexiGPT replacement and extension
 * blocks); a plain block has none.
 */
public class TransformerBlock extends Module {
    private final RmsNorm attentionNorm, mlpNorm;
    private final Attention attention;
    private final FeedForward mlp;
    private final Variable attentionScale, mlpScale;

    public TransformerBlock(RmsNorm attentionNorm, Attention attention, RmsNorm mlpNorm, FeedForward mlp) {
        this(attentionNorm, attention, mlpNorm, mlp, null, null);
    }

    /** A block whose residual-branch outputs are multiplied by the given per-channel scales {@code [dim]}. */
    public TransformerBlock(RmsNorm attentionNorm, Attention attention, RmsNorm mlpNorm, FeedForward mlp, Tensor attentionScale, Tensor mlpScale) {
        this.attentionNorm = module("input_layernorm", attentionNorm);
        this.attention = module("self_attn", attention);
        this.mlpNorm = module("post_attention_layernorm", mlpNorm);
        this.mlp = module("mlp", mlp);
        this.attentionScale = attentionScale == null ? null : parameter("attn_output_scale", attentionScale);
        this.mlpScale = mlpScale == null ? null : parameter("mlp_output_scale", mlpScale);
    }

    public RmsNorm attentionNorm() { return attentionNorm; }

    public Attention attention() { return attention; }

    public RmsNorm mlpNorm() { return mlpNorm; }

    public FeedForward mlp() { return mlp; }

    /** The attention branch's output scale, or null. */
    public Variable attentionScale() { return attentionScale; }

    /** The MLP branch's output scale, or null. */
    public Variable mlpScale() { return mlpScale; }

    /** {@code x [batch, time, dim]} at positions {@code position..}; {@code cache} may be null. */
    public Variable forward(Variable x, int position, KvCache.Layer cache) {
        Variable a = attention.forward(attentionNorm.forward(x), position, cache);
        Variable h = x.add(attentionScale == null ? a : a.mul(attentionScale));
        Variable m = mlp.forward(mlpNorm.forward(h));
        return h.add(mlpScale == null ? m : m.mul(mlpScale));
    }

    /** The same block on a device, for {@code rows} rows of one sequence at positions {@code position..}. */
    DeviceBuffer forward(DeviceWeights device, DeviceBuffer x, int rows, int position, KvCacheSlice cache) {
        DeviceBuffer a = attention.forward(device, attentionNorm.forward(device, x, rows), rows, position, cache);
        DeviceBuffer h = residual(device, x, a, rows, attentionScale);
        DeviceBuffer m = mlp.forward(device, mlpNorm.forward(device, h, rows), rows);
        return residual(device, h, m, rows, mlpScale);
    }

    /** {@code x + scale ⊙ branch} (without the product when there is no scale). */
    private static DeviceBuffer residual(DeviceWeights device, DeviceBuffer x, DeviceBuffer branch, int rows, Variable scale) {
        ComputeBackend be = device.backend();
        if (scale != null) {
            DeviceBuffer scaled = be.allocate(branch.length());
            be.mulRows(new RowsShape(rows, scale.dim(0)), branch, device.of(scale), scaled);
            branch = scaled;
        }
        DeviceBuffer sum = be.allocate(x.length());
        be.add(x, branch, sum);
        return sum;
    }
}

package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-norm Llama block: {@code x += s_a ⊙ Attn(norm_a(x)); x += s_m ⊙ MLP(norm_m(x))}. The per-channel
 * output scales {@code s_a, s_m} exist only on blocks that need them (FlexiGPT replacement and extension
 * blocks); a plain block has none. A block with normalised branches RMS-normalises each branch output
 * before its scale, so the scale is that normalisation's gain: {@code x += s_a ⊙ rmsnorm(Attn(norm_a(x)))}.
 * Every method is final: a subclass can register further names for the block's tensors but cannot change
 * what it computes or exposes, so every runtime that reads the block's structure computes the same block.
 */
public class TransformerBlock extends Module {
    private final RmsNorm attentionNorm, mlpNorm;
    private final Attention attention;
    private final FeedForward mlp;
    private final Variable attentionScale, mlpScale;
    private final boolean normalisedBranches;

    public TransformerBlock(RmsNorm attentionNorm, Attention attention, RmsNorm mlpNorm, FeedForward mlp) {
        this(attentionNorm, attention, mlpNorm, mlp, null, null);
    }

    /** A block whose residual-branch outputs are multiplied by the given per-channel scales {@code [dim]}. */
    public TransformerBlock(
            RmsNorm attentionNorm,
            Attention attention,
            RmsNorm mlpNorm,
            FeedForward mlp,
            Tensor attentionScale,
            Tensor mlpScale) {
        this(attentionNorm, attention, mlpNorm, mlp, attentionScale, mlpScale, false);
    }

    /**
     * A block with output scales; with {@code normalisedBranches} each branch output is RMS-normalised (the
     * block's norm epsilon) before its scale, which then acts as that normalisation's gain. Both scales are
     * required then.
     */
    public TransformerBlock(
            RmsNorm attentionNorm,
            Attention attention,
            RmsNorm mlpNorm,
            FeedForward mlp,
            Tensor attentionScale,
            Tensor mlpScale,
            boolean normalisedBranches) {
        if (normalisedBranches && (attentionScale == null || mlpScale == null)) {
            throw new IllegalArgumentException("normalised branches need both output gains");
        }
        this.normalisedBranches = normalisedBranches;
        this.attentionNorm = module("input_layernorm", attentionNorm);
        this.attention = module("self_attn", attention);
        this.mlpNorm = module("post_attention_layernorm", mlpNorm);
        this.mlp = module("mlp", mlp);
        this.attentionScale = attentionScale == null ? null : parameter(HfNames.ATTENTION_SCALE, attentionScale);
        this.mlpScale = mlpScale == null ? null : parameter(HfNames.MLP_SCALE, mlpScale);
    }

    public final RmsNorm attentionNorm() {
        return attentionNorm;
    }

    public final Attention attention() {
        return attention;
    }

    public final RmsNorm mlpNorm() {
        return mlpNorm;
    }

    public final FeedForward mlp() {
        return mlp;
    }

    /** The seven projections under their Hugging Face names, in the order of {@link HfNames#PROJECTIONS}. */
    public final Map<String, Projection> projections() {
        Map<String, Projection> out = new LinkedHashMap<>();
        out.put("q_proj", attention.q());
        out.put("k_proj", attention.k());
        out.put("v_proj", attention.v());
        out.put("o_proj", attention.o());
        out.put("gate_proj", mlp.gate());
        out.put("up_proj", mlp.up());
        out.put("down_proj", mlp.down());
        return out;
    }

    /** The per-channel output scales that exist on this block (none, or attention's then the MLP's). */
    public final List<Variable> outputScales() {
        List<Variable> out = new ArrayList<>();
        if (attentionScale != null) out.add(attentionScale);
        if (mlpScale != null) out.add(mlpScale);
        return out;
    }

    /** The attention branch's output scale, or null. */
    public final Variable attentionScale() {
        return attentionScale;
    }

    /** The MLP branch's output scale, or null. */
    public final Variable mlpScale() {
        return mlpScale;
    }

    /** Whether each branch output is RMS-normalised before its scale. */
    public final boolean normalisedBranches() {
        return normalisedBranches;
    }

    /** The epsilon of the branch-output normalisation (that of the block's norms). */
    public final double branchNormEps() {
        return attentionNorm.eps();
    }

    /** {@code x [batch, time, dim]} at positions {@code position..}; {@code cache} may be null. */
    public final Variable forward(Variable x, int position, KvCache.Layer cache) {
        Variable h = x.add(branchOutput(attention.forward(attentionNorm.forward(x), position, cache), attentionScale));
        return h.add(branchOutput(mlp.forward(mlpNorm.forward(h)), mlpScale));
    }

    /** A residual branch's output as added to the stream: scaled, normalised and scaled, or as it is. */
    public final Variable branchOutput(Variable out, Variable scale) {
        if (scale == null) return out;
        return normalisedBranches ? out.rmsNorm(scale, branchNormEps()) : out.mul(scale);
    }
}

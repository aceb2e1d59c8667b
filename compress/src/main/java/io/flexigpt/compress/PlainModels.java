package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.Linear;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns any model the project builds (FlexiGPT replacements, drop + LoRA, extension, plain) into a plain
 * Llama model that other tools can load: every shared base weight is materialised in each block that uses
 * it, adapters are merged ({@code W = W_s + B A}, or {@code B A} without a base), and a block's
 * per-channel output scales are folded into the rows of the projection before them ({@code o_proj} for
 * the attention branch, {@code down_proj} for the MLP), which is exact since
 * {@code s ⊙ (W x) = (diag(s) W) x}. The result stores every block's weights separately, so it gives up the
 * storage saving of sharing; its logits equal the input's up to fp32 rounding.
 */
public final class PlainModels {
    private PlainModels() {}

    /** A plain model computing what {@code model} computes; {@code model} is not changed. */
    public static LlamaModel merge(LlamaModel model) {
        LlamaConfig cfg = model.config();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put(HfNames.EMBEDDING, model.embedding().weight().value().copy());
        for (int i = 0; i < model.blocks().size(); i++) {
            TransformerBlock b = model.blocks().get(i);
            w.put(
                    HfNames.block(i) + HfNames.ATTENTION_NORM,
                    b.attentionNorm().weight().value().copy());
            w.put(
                    HfNames.block(i) + HfNames.MLP_NORM,
                    b.mlpNorm().weight().value().copy());
            for (Map.Entry<String, Projection> e : b.projections().entrySet()) {
                String m = e.getKey();
                Tensor weight = materialise(e.getValue(), "block " + i + " " + m);
                Variable scale = m.equals("o_proj") ? b.attentionScale() : m.equals("down_proj") ? b.mlpScale() : null;
                if (scale != null) weight = weight.mul(scale.value().reshape(-1, 1));
                w.put(HfNames.projectionWeight(i, m), weight.contiguous());
            }
        }
        w.put(HfNames.FINAL_NORM, model.finalNorm().weight().value().copy());
        if (!cfg.tiedEmbeddings())
            w.put(HfNames.LM_HEAD, model.headWeight().value().copy());
        return LlamaModel.fromWeights(cfg, w);
    }

    /** The dense {@code [out, in]} weight a projection applies. */
    static Tensor materialise(Projection p, String where) {
        if (p instanceof Linear l) return l.weight().value().copy();
        if (p instanceof SharedLowRankLinear s) {
            Tensor low = s.adapterB().value().matmul(s.adapterA().value());
            return s.base() == null ? low : s.base().value().add(low);
        }
        throw new IllegalArgumentException(
                where + ": cannot merge a projection of type " + p.getClass().getSimpleName() + " into a plain weight");
    }
}

package io.flexigpt.nn;

import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.quicktheories.core.Gen;

/**
 * Small random Llama models for tests. Weights are drawn with a larger spread than
 * {@link LlamaModel#random} uses, so attention is far from uniform and every position and head matters.
 */
public final class TinyModels {
    private TinyModels() {}

    /** A config with {@code nHeads = nKvHeads * group} heads of size {@code headDim}. */
    public static LlamaConfig config(
            int nKvHeads,
            int group,
            int headDim,
            int nLayers,
            int hiddenDim,
            int vocab,
            int maxSeqLen,
            boolean tied,
            RopeLayout layout) {
        int nHeads = nKvHeads * group;
        return LlamaConfig.builder()
                .dim(nHeads * headDim)
                .layers(nLayers)
                .heads(nHeads)
                .kvHeads(nKvHeads)
                .hiddenDim(hiddenDim)
                .vocabSize(vocab)
                .maxSeqLen(maxSeqLen)
                .tiedEmbeddings(tied)
                .ropeLayout(layout)
                .build();
    }

    /** Random small configurations: grouped-query or not, 1-2 layers, tied or not, either RoPE layout. */
    public static Gen<LlamaConfig> configs() {
        return in -> config(
                integers().between(1, 2).generate(in),
                integers().between(1, 3).generate(in),
                arbitrary().pick(2, 4, 6).generate(in),
                integers().between(1, 2).generate(in),
                integers().between(3, 12).generate(in),
                integers().between(3, 19).generate(in),
                32,
                booleans().all().generate(in),
                arbitrary().enumValues(RopeLayout.class).generate(in));
    }

    /** The Hugging Face state dict of a model of {@code c}: matrices ~ N(0, std²), norm gains uniform in [0.5, 1.5). */
    public static Map<String, Tensor> weights(LlamaConfig c, long seed, float std) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        int d = c.dim(), kv = c.kvDim(), h = c.hiddenDim();
        w.put("model.embed_tokens.weight", rng.normal(0, std, c.vocabSize(), d));
        for (int i = 0; i < c.nLayers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", rng.uniform(0.5f, 1.5f, d));
            w.put(p + "self_attn.q_proj.weight", rng.normal(0, std, d, d));
            w.put(p + "self_attn.k_proj.weight", rng.normal(0, std, kv, d));
            w.put(p + "self_attn.v_proj.weight", rng.normal(0, std, kv, d));
            w.put(p + "self_attn.o_proj.weight", rng.normal(0, std, d, d));
            w.put(p + "post_attention_layernorm.weight", rng.uniform(0.5f, 1.5f, d));
            w.put(p + "mlp.gate_proj.weight", rng.normal(0, std, h, d));
            w.put(p + "mlp.up_proj.weight", rng.normal(0, std, h, d));
            w.put(p + "mlp.down_proj.weight", rng.normal(0, std, d, h));
        }
        w.put("model.norm.weight", rng.uniform(0.5f, 1.5f, d));
        if (!c.tiedEmbeddings()) w.put("lm_head.weight", rng.normal(0, std, c.vocabSize(), d));
        return w;
    }

    /** A model of {@code c} with clearly non-uniform attention (weights of spread 0.5). */
    public static LlamaModel model(LlamaConfig c, long seed) {
        return LlamaModel.fromWeights(c, weights(c, seed, 0.5f));
    }

    /** The same model with every weight in fp64. */
    public static LlamaModel toF64(LlamaModel m) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> w.put(k, v.to(DType.F64)));
        return LlamaModel.fromWeights(m.config(), w);
    }

    /** {@code n} token ids below {@code vocab} from {@code seed}. */
    public static int[] tokens(long seed, int n, int vocab) {
        return new Random(seed).ints(n, 0, vocab).toArray();
    }
}

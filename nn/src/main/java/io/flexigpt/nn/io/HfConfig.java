package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.nn.LlamaConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link LlamaConfig} to and from a Hugging Face {@code config.json} ({@code LlamaForCausalLM}). */
final class HfConfig {
    private HfConfig() {}

    /** The configuration in {@code text}; a missing, null or wrong-typed field is an error naming {@code source} and the field. */
    static LlamaConfig parse(String text, String source) throws FormatException {
        Map<String, Object> m = Json.object(Json.parse(text, source), "config", source);
        if (m.containsKey("model_type")) {
            String type = Json.getString(m, "model_type", source);
            if (!List.of("llama", "mistral", "qwen2").contains(type))
                throw new FormatException(source + ": model_type '" + type + "' is not a Llama-family model");
        }
        int dim = Json.getInt(m, "hidden_size", source), heads = Json.getInt(m, "num_attention_heads", source);
        int kv = Json.optInt(m, "num_key_value_heads", heads, source);
        float theta = positive(m, "rope_theta", 10000.0, source), eps = positive(m, "rms_norm_eps", 1e-6, source);
        boolean tied = m.containsKey("tie_word_embeddings") && Json.getBoolean(m, "tie_word_embeddings", source);
        try {
            return LlamaConfig.builder()
                    .dim(dim)
                    .layers(Json.getInt(m, "num_hidden_layers", source))
                    .heads(heads)
                    .kvHeads(kv)
                    .hiddenDim(Json.getInt(m, "intermediate_size", source))
                    .vocabSize(Json.getInt(m, "vocab_size", source))
                    .maxSeqLen(Json.getInt(m, "max_position_embeddings", source))
                    .ropeTheta(theta)
                    .normEps(eps)
                    .tiedEmbeddings(tied)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new FormatException(source + ": " + e.getMessage(), e);
        }
    }

    /** The number under {@code key} ({@code fallback} when absent), which must be positive and finite in fp32. */
    private static float positive(Map<String, Object> m, String key, double fallback, String source)
            throws FormatException {
        double v = m.containsKey(key) ? Json.getDouble(m, key, source) : fallback;
        if (!(v > 0) || !Float.isFinite((float) v) || (float) v == 0) {
            throw new FormatException(source + ": '" + key + "' must be a positive finite number, found " + v);
        }
        return (float) v;
    }

    static String write(LlamaConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("model_type", "llama");
        m.put("hidden_size", c.dim());
        m.put("intermediate_size", c.hiddenDim());
        m.put("num_hidden_layers", c.nLayers());
        m.put("num_attention_heads", c.nHeads());
        m.put("num_key_value_heads", c.nKvHeads());
        m.put("vocab_size", c.vocabSize());
        m.put("max_position_embeddings", c.maxSeqLen());
        m.put("rope_theta", (double) c.ropeTheta());
        m.put("rms_norm_eps", (double) c.normEps());
        m.put("tie_word_embeddings", c.tiedEmbeddings());
        m.put("hidden_act", "silu");
        m.put("torch_dtype", "float32");
        return Json.writePretty(m);
    }
}

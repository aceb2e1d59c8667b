package io.flexigpt.nn.io;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.tensor.io.FormatException;
import io.flexigpt.tensor.io.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link LlamaConfig} to and from a Hugging Face {@code config.json} ({@code LlamaForCausalLM}). */
final class HfConfig {
    private HfConfig() {}

    static LlamaConfig parse(String text, String source) throws FormatException {
        Map<String, Object> m = Json.object(Json.parse(text, source), "config", source);
        if (m.containsKey("model_type") && !List.of("llama", "mistral", "qwen2").contains(m.get("model_type"))) {
            throw new FormatException(source + ": model_type '" + m.get("model_type") + "' is not a Llama-family model");
        }
        int dim = Json.getInt(m, "hidden_size", source), heads = Json.getInt(m, "num_attention_heads", source);
        int kv = m.containsKey("num_key_value_heads") && m.get("num_key_value_heads") != null ? Json.getInt(m, "num_key_value_heads", source) : heads;
        double theta = m.containsKey("rope_theta") ? Json.getDouble(m, "rope_theta", source) : 10000.0;
        double eps = m.containsKey("rms_norm_eps") ? Json.getDouble(m, "rms_norm_eps", source) : 1e-6;
        boolean tied = m.containsKey("tie_word_embeddings") && Json.getBoolean(m, "tie_word_embeddings", source);
        try {
            return new LlamaConfig(dim, Json.getInt(m, "num_hidden_layers", source), heads, kv, Json.getInt(m, "intermediate_size", source),
                    Json.getInt(m, "vocab_size", source), Json.getInt(m, "max_position_embeddings", source), (float) theta, (float) eps, tied, RopeLayout.ROTATE_HALF);
        } catch (IllegalArgumentException e) {
            throw new FormatException(source + ": " + e.getMessage(), e);
        }
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

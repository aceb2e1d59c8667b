package io.flexigpt.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face names of a Llama model's tensors ({@code model.layers.N.self_attn.q_proj.weight}, ...),
 * the one place they are spelled. A plain {@link LlamaModel}'s state dict uses exactly these names, in the
 * order of {@link #shapes(LlamaConfig)}; the checkpoint readers and writers translate other layouts to them.
 */
public final class HfNames {
    private HfNames() {}

    public static final String EMBEDDING = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";
    /** A block's norm gains, relative to the block. */
    public static final String ATTENTION_NORM = "input_layernorm.weight", MLP_NORM = "post_attention_layernorm.weight";
    /** A compressed block's per-channel output scales, relative to the block (names this project adds). */
    public static final String ATTENTION_SCALE = "attn_output_scale", MLP_SCALE = "mlp_output_scale";
    /** A low-rank adapter's factors {@code A [r, in]} and {@code B [out, r]}, relative to its projection (PEFT's names). */
    public static final String ADAPTER_A = "lora_A", ADAPTER_B = "lora_B";
    /** The seven projections of a block: attention's four, then the MLP's three. */
    public static final List<String> PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** The prefix of block {@code layer}'s tensors: {@code model.layers.N.}. */
    public static String block(int layer) {
        return "model.layers." + layer + ".";
    }

    /** A projection's module path inside its block: {@code self_attn.q_proj} or {@code mlp.gate_proj}. */
    public static String projectionPath(String projection) {
        int i = PROJECTIONS.indexOf(projection);
        if (i < 0)
            throw new IllegalArgumentException(
                    "unknown projection '" + projection + "'; expected one of " + PROJECTIONS);
        return (i < 4 ? "self_attn." : "mlp.") + projection;
    }

    /** A plain projection's weight inside its block: {@code self_attn.q_proj.weight}. */
    public static String projectionWeight(String projection) {
        return projectionPath(projection) + ".weight";
    }

    /** A plain projection's weight in the model: {@code model.layers.N.self_attn.q_proj.weight}. */
    public static String projectionWeight(int layer, String projection) {
        return block(layer) + projectionWeight(projection);
    }

    /** The shape {@code [out, in]} of a projection's weight under {@code c}. */
    public static int[] projectionShape(LlamaConfig c, String projection) {
        int d = c.dim(), kv = c.kvDim(), h = c.hiddenDim();
        switch (projection) {
            case "q_proj":
            case "o_proj":
                return new int[] {d, d};
            case "k_proj":
            case "v_proj":
                return new int[] {kv, d};
            case "gate_proj":
            case "up_proj":
                return new int[] {h, d};
            case "down_proj":
                return new int[] {d, h};
            default:
                throw new IllegalArgumentException(
                        "unknown projection '" + projection + "'; expected one of " + PROJECTIONS);
        }
    }

    /** Every tensor of a plain model with configuration {@code c}, with its shape, in state-dict order. */
    public static Map<String, int[]> shapes(LlamaConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int d = c.dim();
        m.put(EMBEDDING, new int[] {c.vocabSize(), d});
        for (int l = 0; l < c.nLayers(); l++) {
            m.put(block(l) + ATTENTION_NORM, new int[] {d});
            for (String p : PROJECTIONS.subList(0, 4)) m.put(projectionWeight(l, p), projectionShape(c, p));
            m.put(block(l) + MLP_NORM, new int[] {d});
            for (String p : PROJECTIONS.subList(4, 7)) m.put(projectionWeight(l, p), projectionShape(c, p));
        }
        m.put(FINAL_NORM, new int[] {d});
        if (!c.tiedEmbeddings()) m.put(LM_HEAD, new int[] {c.vocabSize(), d});
        return m;
    }
}

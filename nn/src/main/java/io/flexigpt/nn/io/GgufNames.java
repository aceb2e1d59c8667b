package io.flexigpt.nn.io;

import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import java.util.ArrayList;
import java.util.List;

/** llama.cpp's tensor names ({@code blk.N.attn_q.weight}, ...) and their {@link HfNames} counterparts. */
final class GgufNames {
    private GgufNames() {}

    /** Per-block names in llama.cpp's order: {gguf suffix, Hugging Face name relative to the block}. */
    private static final String[][] BLOCK = {
        {"attn_norm.weight", HfNames.ATTENTION_NORM},
        {"attn_q.weight", HfNames.projectionWeight("q_proj")},
        {"attn_k.weight", HfNames.projectionWeight("k_proj")},
        {"attn_v.weight", HfNames.projectionWeight("v_proj")},
        {"attn_output.weight", HfNames.projectionWeight("o_proj")},
        {"ffn_norm.weight", HfNames.MLP_NORM},
        {"ffn_gate.weight", HfNames.projectionWeight("gate_proj")},
        {"ffn_down.weight", HfNames.projectionWeight("down_proj")},
        {"ffn_up.weight", HfNames.projectionWeight("up_proj")}
    };

    /** The tensors of a plain model with configuration {@code c}, under llama.cpp's names and in its order. */
    static List<String> inGgufOrder(LlamaConfig c) {
        List<String> out = new ArrayList<>();
        out.add("token_embd.weight");
        for (int l = 0; l < c.nLayers(); l++) for (String[] n : BLOCK) out.add("blk." + l + "." + n[0]);
        out.add("output_norm.weight");
        if (!c.tiedEmbeddings()) out.add("output.weight");
        return out;
    }

    /** The Hugging Face name of a llama.cpp tensor, or null when it names no tensor of a llama model. */
    static String toHf(String gguf) {
        switch (gguf) {
            case "token_embd.weight":
                return HfNames.EMBEDDING;
            case "output_norm.weight":
                return HfNames.FINAL_NORM;
            case "output.weight":
                return HfNames.LM_HEAD;
            default:
                break;
        }
        if (!gguf.startsWith("blk.")) return null;
        int dot = gguf.indexOf('.', 4);
        if (dot <= 4) return null;
        String layer = gguf.substring(4, dot), rest = gguf.substring(dot + 1);
        if (!layer.matches("0|[1-9][0-9]{0,8}")) return null;
        for (String[] n : BLOCK) if (n[0].equals(rest)) return HfNames.block(Integer.parseInt(layer)) + n[1];
        return null;
    }
}

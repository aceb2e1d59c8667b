package io.flexigpt.nn.io;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a llama2.c legacy checkpoint: seven little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means an unshared classifier follows), then the
 * fp32 weights layer-major by kind, then the RoPE tables (skipped). Rotary layout: interleaved.
 */
public final class Llama2cCheckpoint {
    private Llama2cCheckpoint() {}

    public static Checkpoint read(Path file) throws IOException {
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        LittleEndianReader r = new LittleEndianReader(buf, file);
        int dim = r.i32("header dim"), hidden = r.i32("header hidden_dim"), layers = r.i32("header n_layers"), heads = r.i32("header n_heads");
        int kvHeads = r.i32("header n_kv_heads"), vocabRaw = r.i32("header vocab_size"), seqLen = r.i32("header seq_len");
        boolean shared = vocabRaw > 0;
        int vocab = Math.abs(vocabRaw);
        LlamaConfig config;
        try {
            config = new LlamaConfig(dim, layers, heads, kvHeads, hidden, vocab, seqLen, 10000f, 1e-5f, shared, RopeLayout.INTERLEAVED);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": header at byte 0 describes no valid model: " + e.getMessage(), e);
        }
        long headDim = dim / heads, kvDim = headDim * kvHeads;
        long weights = (long) vocab * dim + layers * (2L * dim + (long) dim * dim * 2 + 2L * kvDim * dim + 3L * dim * hidden) + dim;
        long ropeTables = (long) seqLen * headDim;
        long expected = 28 + 4 * (weights + ropeTables + (shared ? 0 : (long) vocab * dim));
        if (buf.capacity() != expected) {
            throw new FormatException(file + ": size is " + buf.capacity() + " bytes, but the header (dim " + dim + ", hidden " + hidden + ", layers " + layers
                    + ", heads " + heads + "/" + kvHeads + ", vocab " + vocabRaw + ", seq_len " + seqLen + ") implies " + expected);
        }
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", Tensor.of(r.floats((long) vocab * dim, "token_embedding_table"), vocab, dim));
        perLayer(r, w, layers, "input_layernorm.weight", dim);
        perLayer(r, w, layers, "self_attn.q_proj.weight", dim, dim);
        perLayer(r, w, layers, "self_attn.k_proj.weight", (int) kvDim, dim);
        perLayer(r, w, layers, "self_attn.v_proj.weight", (int) kvDim, dim);
        perLayer(r, w, layers, "self_attn.o_proj.weight", dim, dim);
        perLayer(r, w, layers, "post_attention_layernorm.weight", dim);
        perLayer(r, w, layers, "mlp.gate_proj.weight", hidden, dim);
        perLayer(r, w, layers, "mlp.down_proj.weight", dim, hidden);
        perLayer(r, w, layers, "mlp.up_proj.weight", hidden, dim);
        w.put("model.norm.weight", Tensor.of(r.floats(dim, "rms_final_weight"), dim));
        r.position(r.position() + 4 * ropeTables);
        if (!shared) w.put("lm_head.weight", Tensor.of(r.floats((long) vocab * dim, "wcls"), vocab, dim));
        return new Checkpoint(config, sortByLayer(w, layers), null, file);
    }

    private static void perLayer(LittleEndianReader r, Map<String, Tensor> w, int layers, String name, int... shape) throws FormatException {
        long n = 1;
        for (int s : shape) n *= s;
        for (int l = 0; l < layers; l++) {
            w.put("model.layers." + l + "." + name, Tensor.of(r.floats(n, "layer " + l + " " + name + " at byte " + r.position()), shape));
        }
    }

    /** Orders the tensors as a Hugging Face state dict lists them (embedding, block by block, norm, head). */
    static Map<String, Tensor> sortByLayer(Map<String, Tensor> w, int layers) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", w.get("model.embed_tokens.weight"));
        String[] order = {"input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
            "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"};
        for (int l = 0; l < layers; l++) for (String n : order) out.put("model.layers." + l + "." + n, w.get("model.layers." + l + "." + n));
        out.put("model.norm.weight", w.get("model.norm.weight"));
        if (w.containsKey("lm_head.weight")) out.put("lm_head.weight", w.get("lm_head.weight"));
        return out;
    }
}

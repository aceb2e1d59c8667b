package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.MappedChunks;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a llama2.c legacy checkpoint: seven little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means an unshared classifier follows), then the
 * fp32 weights layer-major by kind, then the RoPE tables (skipped). Rotary layout: interleaved. Each weight
 * array is mapped on its own at its 64-bit offset, so files of any size can be read.
 */
public final class Llama2cCheckpoint {
    private Llama2cCheckpoint() {}

    private static final int HEADER_BYTES = 28;

    public static Checkpoint read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        }
    }

    private static Checkpoint read(Path file, FileChannel ch) throws IOException {
        LittleEndianReader r = new LittleEndianReader(ch, file);
        int dim = r.i32("header dim"),
                hidden = r.i32("header hidden_dim"),
                layers = r.i32("header n_layers"),
                heads = r.i32("header n_heads");
        int kvHeads = r.i32("header n_kv_heads"),
                vocabRaw = r.i32("header vocab_size"),
                seqLen = r.i32("header seq_len");
        boolean shared = vocabRaw > 0;
        int vocab = Math.abs(vocabRaw);
        LlamaConfig config;
        try {
            config = LlamaConfig.builder()
                    .dim(dim)
                    .layers(layers)
                    .heads(heads)
                    .kvHeads(kvHeads)
                    .hiddenDim(hidden)
                    .vocabSize(vocab)
                    .maxSeqLen(seqLen)
                    .tiedEmbeddings(shared)
                    .ropeLayout(RopeLayout.INTERLEAVED)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": header at byte 0 describes no valid model: " + e.getMessage(), e);
        }
        int headDim = dim / heads, kvDim = headDim * kvHeads;
        long weights = (long) vocab * dim
                + layers * (2L * dim + (long) dim * dim * 2 + 2L * kvDim * dim + 3L * dim * hidden)
                + dim;
        long ropeTables = (long) seqLen * headDim;
        long expected = HEADER_BYTES + 4 * (weights + ropeTables + (shared ? 0 : (long) vocab * dim));
        if (r.size() != expected) {
            throw new FormatException(file + ": size is " + r.size() + " bytes, but the header (dim " + dim
                    + ", hidden " + hidden + ", layers " + layers + ", heads " + heads + "/" + kvHeads + ", vocab "
                    + vocabRaw + ", seq_len " + seqLen + ") implies " + expected);
        }
        WeightArrays a = new WeightArrays(file, ch);
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put(HfNames.EMBEDDING, a.next("token_embedding_table", vocab, dim));
        a.perLayer(w, layers, HfNames.ATTENTION_NORM, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("q_proj"), dim, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("k_proj"), kvDim, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("v_proj"), kvDim, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("o_proj"), dim, dim);
        a.perLayer(w, layers, HfNames.MLP_NORM, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("gate_proj"), hidden, dim);
        a.perLayer(w, layers, HfNames.projectionWeight("down_proj"), dim, hidden);
        a.perLayer(w, layers, HfNames.projectionWeight("up_proj"), hidden, dim);
        w.put(HfNames.FINAL_NORM, a.next("rms_final_weight", dim));
        a.skip(ropeTables);
        if (!shared) w.put(HfNames.LM_HEAD, a.next("wcls", vocab, dim));
        return new Checkpoint(config, sortByLayer(w, config), null, file);
    }

    /** The fp32 arrays that follow the header, one after another, each mapped at its own offset. */
    private static final class WeightArrays {
        private final Path file;
        private final FileChannel channel;
        private long offset = HEADER_BYTES;

        WeightArrays(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        Tensor next(String what, int... shape) throws IOException {
            long n = 1;
            for (int s : shape) n *= s;
            if (n > Integer.MAX_VALUE)
                throw new FormatException(
                        file + ": byte " + offset + ": " + what + " has " + n + " floats, more than a tensor can hold");
            Tensor t = Checkpoints.requireFinite(
                    file, what, Tensor.of(MappedChunks.floats(channel, offset, (int) n, StoredType.F32), shape));
            skip(n);
            return t;
        }

        void skip(long floats) {
            offset += 4 * floats;
        }

        void perLayer(Map<String, Tensor> w, int layers, String name, int... shape) throws IOException {
            for (int l = 0; l < layers; l++) w.put(HfNames.block(l) + name, next("layer " + l + " " + name, shape));
        }
    }

    /** Orders the tensors as a Hugging Face state dict lists them (embedding, block by block, norm, head). */
    static Map<String, Tensor> sortByLayer(Map<String, Tensor> w, LlamaConfig config) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : HfNames.shapes(config).keySet()) out.put(name, w.get(name));
        return out;
    }
}

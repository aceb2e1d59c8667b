package io.flexigpt.nn.io;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.io.StoredType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Llama checkpoint as a GGUF version 3 file that llama.cpp loads: {@code general.*} and
 * {@code llama.*} metadata, the {@code tokenizer.ggml.*} vocabulary, tensors named as llama.cpp names them
 * ({@code token_embd}, {@code blk.N.attn_q}, ...) with dimensions innermost first, q/k rows in the
 * interleaved rotary layout GGUF uses (converted with {@link RopePermutation} when the model has
 * rotate-half rows), matrices in F32 or F16 and the 1-D norm gains always in F32 (as llama.cpp's converter
 * does), each tensor aligned to 32 bytes. The file is written atomically. {@link GgufCheckpoint} reads it back.
 */
public final class GgufWriter {
    private GgufWriter() {}

    static final int ALIGNMENT = 32;
    private static final int GGML_F32 = 0, GGML_F16 = 1;
    private static final int T_U32 = 4, T_I32 = 5, T_F32 = 6, T_BOOL = 7, T_STRING = 8, T_ARRAY = 9;
    private static final int CHUNK = 1 << 16;

    /** Writes {@code checkpoint} with {@code vocab} to {@code file}; {@code type} is F32 or F16 for the matrices. */
    public static void write(Path file, Checkpoint checkpoint, GgufVocabulary vocab, StoredType type, String name)
            throws IOException {
        if (type != StoredType.F32 && type != StoredType.F16)
            throw new IllegalArgumentException("GGUF export writes F32 or F16, not " + type);
        Checkpoint c = RopePermutation.toLayout(checkpoint, RopeLayout.INTERLEAVED);
        LlamaConfig cfg = c.config();
        if (vocab.tokens().size() != cfg.vocabSize()) {
            throw new IllegalArgumentException(
                    "the vocabulary has " + vocab.tokens().size() + " tokens, the model " + cfg.vocabSize());
        }
        Map<String, Tensor> tensors = ggufTensors(c);
        List<Integer> types = new ArrayList<>();
        for (Tensor t : tensors.values()) types.add(t.rank() == 1 || type == StoredType.F32 ? GGML_F32 : GGML_F16);

        Out h = new Out();
        h.raw("GGUF".getBytes(StandardCharsets.US_ASCII));
        h.u32(3);
        h.u64(tensors.size());
        Metadata meta = new Metadata();
        meta.string("general.architecture", "llama");
        meta.string("general.name", name);
        meta.u32("general.alignment", ALIGNMENT);
        meta.u32("general.file_type", type == StoredType.F32 ? 0 : 1);
        meta.u32("llama.context_length", cfg.maxSeqLen());
        meta.u32("llama.embedding_length", cfg.dim());
        meta.u32("llama.block_count", cfg.nLayers());
        meta.u32("llama.feed_forward_length", cfg.hiddenDim());
        meta.u32("llama.rope.dimension_count", cfg.headDim());
        meta.u32("llama.attention.head_count", cfg.nHeads());
        meta.u32("llama.attention.head_count_kv", cfg.nKvHeads());
        meta.f32("llama.attention.layer_norm_rms_epsilon", cfg.normEps());
        meta.f32("llama.rope.freq_base", cfg.ropeTheta());
        meta.u32("llama.vocab_size", cfg.vocabSize());
        meta.string("tokenizer.ggml.model", vocab.model());
        if (vocab.pre() != null) meta.string("tokenizer.ggml.pre", vocab.pre());
        meta.strings("tokenizer.ggml.tokens", vocab.tokens());
        if (vocab.scores() != null) meta.f32s("tokenizer.ggml.scores", vocab.scores());
        meta.i32s("tokenizer.ggml.token_type", vocab.tokenTypes());
        if (vocab.merges() != null) meta.strings("tokenizer.ggml.merges", vocab.merges());
        if (vocab.bos() >= 0) meta.u32("tokenizer.ggml.bos_token_id", vocab.bos());
        if (vocab.eos() >= 0) meta.u32("tokenizer.ggml.eos_token_id", vocab.eos());
        if (vocab.unk() >= 0) meta.u32("tokenizer.ggml.unknown_token_id", vocab.unk());
        meta.bool("tokenizer.ggml.add_bos_token", vocab.addBos());
        meta.bool("tokenizer.ggml.add_eos_token", false);
        h.u64(meta.count);
        h.raw(meta.out.toByteArray());

        long offset = 0;
        int i = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            h.string(e.getKey());
            h.u32(t.rank());
            for (int d = t.rank() - 1; d >= 0; d--) h.u64(t.dim(d));
            int ggmlType = types.get(i++);
            h.u32(ggmlType);
            h.u64(offset);
            offset = align(offset + (long) t.numel() * (ggmlType == GGML_F32 ? 4 : 2));
        }
        while (h.size() % ALIGNMENT != 0) h.raw(new byte[1]);
        byte[] header = h.toByteArray();
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            long written = 0;
            int k = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                written += writeData(ch, e.getKey(), e.getValue(), types.get(k++) == GGML_F16);
                long padding = align(written) - written;
                if (padding > 0) AtomicFiles.writeFully(ch, ByteBuffer.allocate((int) padding));
                written += padding;
            }
        });
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The checkpoint's tensors under llama.cpp's names, in llama.cpp's order. */
    static Map<String, Tensor> ggufTensors(Checkpoint c) {
        Map<String, Tensor> w = c.weights();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : GgufNames.inGgufOrder(c.config())) out.put(name, require(w, GgufNames.toHf(name)));
        if (out.size() != w.size())
            throw new IllegalArgumentException("the checkpoint has " + w.size()
                    + " tensors, a plain Llama model of its config " + out.size() + ": merge it first");
        return out;
    }

    private static Tensor require(Map<String, Tensor> w, String name) {
        Tensor t = w.get(name);
        if (t == null) throw new IllegalArgumentException("the checkpoint has no tensor '" + name + "'");
        return t;
    }

    /** Writes one tensor's elements; a NaN or infinity is an error naming the tensor. Returns the bytes written. */
    private static long writeData(FileChannel ch, String name, Tensor t, boolean f16) throws IOException {
        float[] v = t.contiguous().toFloatArray();
        ByteBuffer b =
                ByteBuffer.allocate(Math.min(v.length, CHUNK) * (f16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < v.length; start += CHUNK) {
            b.clear();
            for (int i = start; i < Math.min(v.length, start + CHUNK); i++) {
                if (!Float.isFinite(v[i]))
                    throw new IllegalArgumentException("tensor '" + name + "' holds " + v[i] + " at element " + i
                            + "; a checkpoint must be finite");
                if (f16) b.putShort(HalfFloats.f32ToF16(v[i]));
                else b.putFloat(v[i]);
            }
            AtomicFiles.writeFully(ch, b.flip());
        }
        return (long) v.length * (f16 ? 2 : 4);
    }

    /** Little-endian bytes. */
    private static final class Out extends ByteArrayOutputStream {
        void raw(byte[] b) {
            write(b, 0, b.length);
        }

        void u32(long v) {
            for (int i = 0; i < 4; i++) write((int) (v >>> (8 * i)));
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i)));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            raw(b);
        }
    }

    /** Metadata key/value pairs in GGUF encoding. */
    private static final class Metadata {
        final Out out = new Out();
        long count;

        private void key(String key, int type) {
            out.string(key);
            out.u32(type);
            count++;
        }

        void u32(String key, long v) {
            key(key, T_U32);
            out.u32(v);
        }

        void f32(String key, float v) {
            key(key, T_F32);
            out.u32(Float.floatToRawIntBits(v));
        }

        void bool(String key, boolean v) {
            key(key, T_BOOL);
            out.write(v ? 1 : 0);
        }

        void string(String key, String v) {
            key(key, T_STRING);
            out.string(v);
        }

        void strings(String key, List<String> v) {
            key(key, T_ARRAY);
            out.u32(T_STRING);
            out.u64(v.size());
            for (String s : v) out.string(s);
        }

        void f32s(String key, float[] v) {
            key(key, T_ARRAY);
            out.u32(T_F32);
            out.u64(v.length);
            for (float f : v) out.u32(Float.floatToRawIntBits(f));
        }

        void i32s(String key, int[] v) {
            key(key, T_ARRAY);
            out.u32(T_I32);
            out.u64(v.length);
            for (int x : v) out.u32(x);
        }
    }
}

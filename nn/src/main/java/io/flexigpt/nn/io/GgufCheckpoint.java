package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.io.MappedChunks;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads GGUF files, versions 1 to 3 (version 1 uses 32-bit counts and string lengths), with tensors in
 * F32, F16 (matrices kept in 16 bits) or Q8_0 (dequantised to fp32), the {@code llama.*} hyper-parameters and the
 * {@code tokenizer.ggml.*} vocabulary. GGUF stores q/k in the interleaved rotary layout. The header is read
 * through a small buffer and each tensor is mapped on its own at its 64-bit offset, so files of any size
 * can be read.
 */
public final class GgufCheckpoint {
    private GgufCheckpoint() {}

    private static final int TYPE_F32 = 0, TYPE_F16 = 1, TYPE_Q8_0 = 8;
    /** Longest metadata string and largest metadata array accepted, far above any real file's. */
    static final long MAX_STRING_BYTES = 64L << 20, MAX_ARRAY_ELEMENTS = 1L << 24;

    /** Metadata and tensor directory of a GGUF file. */
    public record Header(int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors, long dataStart) {}

    /** One tensor's dims (innermost first, as stored), ggml type and offset in the data section. */
    public record TensorInfo(String name, long[] dims, int type, long offset) {
        long elements() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    public static Checkpoint read(Path file) throws IOException {
        return read(file, ProgressListener.NONE);
    }

    /** As {@link #read(Path)}, reporting the bytes of tensor data read out of the file's size. */
    public static Checkpoint read(Path file, ProgressListener progress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch, progress);
        }
    }

    private static Checkpoint read(Path file, FileChannel ch, ProgressListener progress) throws IOException {
        Header h = header(file, new LittleEndianReader(ch, file));
        LlamaConfig config = config(file, h);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, int[]> expected = HfNames.shapes(config);
        long size = ch.size(), read = 0;
        for (TensorInfo t : h.tensors().values()) {
            String name = hfName(file, t.name());
            if (!expected.containsKey(name) && !name.equals(HfNames.LM_HEAD))
                throw new FormatException(file + ": tensor '" + t.name() + "' is not part of a " + config.nLayers()
                        + "-block llama model");
            if (weights.put(name, Checkpoints.requireFinite(file, t.name(), load(ch, h.dataStart() + t.offset(), t)))
                    != null) {
                throw new FormatException(file + ": tensor '" + t.name() + "' names the same weight as another tensor");
            }
            read += byteSize(file, t);
            progress.progress(Math.min(h.dataStart() + read, size), size);
        }
        Tensor output = weights.get(HfNames.LM_HEAD);
        Tensor embed = weights.get(HfNames.EMBEDDING);
        boolean tied = output == null
                || (embed != null
                        && java.util.Arrays.equals(output.shape(), embed.shape())
                        && output.maxAbsDiff(embed) == 0);
        if (tied) weights.remove(HfNames.LM_HEAD);
        config = config.toBuilder()
                .tiedEmbeddings(tied)
                .ropeLayout(RopeLayout.INTERLEAVED)
                .build();
        if (!weights.containsKey(HfNames.EMBEDDING))
            throw new FormatException(file + ": missing tensor 'token_embd.weight'");
        for (Map.Entry<String, int[]> e : HfNames.shapes(config).entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) throw new FormatException(file + ": missing tensor for '" + e.getKey() + "'");
            if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                throw new FormatException(
                        file + ": tensor for '" + e.getKey() + "' has shape " + java.util.Arrays.toString(t.shape())
                                + ", expected " + java.util.Arrays.toString(e.getValue()));
            }
        }
        return new Checkpoint(config, Llama2cCheckpoint.sortByLayer(weights, config), tokenizer(file, h), file);
    }

    /** Parses magic, version, metadata and the tensor directory of {@code file}, checking that every tensor lies within it. */
    public static Header header(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, new LittleEndianReader(ch, file));
        }
    }

    private static Header header(Path file, LittleEndianReader r) throws IOException {
        byte[] magic = r.bytes(4, "magic");
        if (!new String(magic, StandardCharsets.ISO_8859_1).equals("GGUF"))
            throw new FormatException(
                    file + ": byte 0: not a GGUF file (magic " + new String(magic, StandardCharsets.ISO_8859_1) + ")");
        int version = r.i32("version");
        if (version < 1 || version > 3)
            throw new FormatException(file + ": byte 4: GGUF version " + version + " is not supported (1-3)");
        boolean v1 = version == 1;
        long tensorCount = count(r, v1, "tensor count"), kvCount = count(r, v1, "metadata count");
        if (tensorCount > r.remaining() / 8 || kvCount > r.remaining() / 8) {
            throw new FormatException(file + ": byte " + r.position() + ": " + tensorCount + " tensors / " + kvCount
                    + " metadata entries cannot fit in the file");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = r.position();
            String key = string(r, v1, "metadata key " + i);
            int type = r.i32("type of '" + key + "'");
            if (meta.put(key, value(file, r, v1, type, key, 0)) != null)
                throw new FormatException(file + ": byte " + at + ": duplicate metadata key '" + key + "'");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = r.position();
            String name = string(r, v1, "tensor name " + i);
            int nDims = r.i32("dimension count of '" + name + "'");
            if (nDims < 1 || nDims > 4)
                throw new FormatException(
                        file + ": byte " + at + ": tensor '" + name + "' has " + nDims + " dimensions (1-4 allowed)");
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] =
                        v1 ? Integer.toUnsignedLong(r.i32("dims of '" + name + "'")) : r.i64("dims of '" + name + "'");
                if (dims[d] <= 0 || dims[d] > Integer.MAX_VALUE)
                    throw new FormatException(file + ": tensor '" + name + "' has dimension " + dims[d]);
                elements *= dims[d];
                if (elements > Integer.MAX_VALUE)
                    throw new FormatException(
                            file + ": tensor '" + name + "' has more than " + Integer.MAX_VALUE + " elements");
            }
            int type = r.i32("type of '" + name + "'");
            long offset = r.i64("offset of '" + name + "'");
            if (tensors.put(name, new TensorInfo(name, dims, type, offset)) != null)
                throw new FormatException(file + ": byte " + at + ": duplicate tensor '" + name + "'");
        }
        long alignment = meta.get("general.alignment") instanceof Number
                ? ((Number) meta.get("general.alignment")).longValue()
                : 32;
        if (alignment <= 0 || alignment > 1 << 16)
            throw new FormatException(file + ": general.alignment " + alignment + " is not usable");
        long dataStart = (r.position() + alignment - 1) / alignment * alignment;
        for (TensorInfo t : tensors.values()) {
            long bytes = byteSize(file, t);
            if (t.offset() < 0 || dataStart > r.size() || t.offset() > r.size() - dataStart - bytes) {
                throw new FormatException(file + ": tensor '" + t.name() + "' (" + bytes + " bytes at data offset "
                        + t.offset() + ") runs past the end of the file (" + r.size() + " bytes)");
            }
            if (t.offset() % alignment != 0)
                throw new FormatException(file + ": tensor '" + t.name() + "' starts at data offset " + t.offset()
                        + ", not a multiple of general.alignment " + alignment);
        }
        checkLayout(file, tensors.values(), alignment, r.size() - dataStart);
        return new Header(version, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(tensors), dataStart);
    }

    /**
     * The tensors tile the data section as GGUF writers lay them out: in offset order, each starts where the one
     * before ends (rounded up to the alignment), and the file ends with the last one (and its padding). So no two
     * overlap, and a tensor whose type or dims were changed (its byte size with them) is caught even when it would
     * still fit in the file.
     */
    private static void checkLayout(Path file, java.util.Collection<TensorInfo> tensors, long alignment, long dataBytes)
            throws FormatException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(java.util.Comparator.comparingLong(TensorInfo::offset));
        long expected = byOffset.isEmpty() ? 0 : byOffset.get(0).offset(), end = expected;
        String previous = null;
        for (TensorInfo t : byOffset) {
            if (t.offset() != expected) {
                throw new FormatException(file + ": tensor '" + t.name() + "' starts at data offset " + t.offset()
                        + ", but " + previous + " ends at " + expected
                        + (t.offset() < expected
                                ? " (the tensors overlap)"
                                : " (a gap: a tensor's type or dims are wrong)"));
            }
            end = t.offset() + byteSize(file, t);
            expected = (end + alignment - 1) / alignment * alignment;
            previous = "'" + t.name() + "' (" + typeName(t.type()) + " " + java.util.Arrays.toString(t.dims()) + ")";
        }
        if (previous != null && dataBytes > expected) {
            throw new FormatException(file + ": " + (dataBytes - end) + " bytes follow the last tensor " + previous
                    + " (a tensor's type or dims are wrong)");
        }
    }

    private static String typeName(int type) {
        return type == TYPE_F32 ? "F32" : type == TYPE_F16 ? "F16" : type == TYPE_Q8_0 ? "Q8_0" : "type " + type;
    }

    private static long count(LittleEndianReader r, boolean v1, String what) throws IOException {
        long n = v1 ? Integer.toUnsignedLong(r.i32(what)) : r.i64(what);
        if (n < 0) throw r.error("negative " + what + " " + n);
        return n;
    }

    private static String string(LittleEndianReader r, boolean v1, String what) throws IOException {
        long len = count(r, v1, what + " length");
        if (len > MAX_STRING_BYTES && len <= r.remaining())
            throw r.error(what + " is " + len + " bytes long, more than the " + MAX_STRING_BYTES + " accepted");
        return new String(r.bytes(len, what), StandardCharsets.UTF_8);
    }

    private static Object value(Path file, LittleEndianReader r, boolean v1, int type, String key, int depth)
            throws IOException {
        switch (type) {
            case 0:
                return (long) (r.i8(key) & 0xFF);
            case 1:
                return (long) r.i8(key);
            case 2:
                return (long) (r.i16(key) & 0xFFFF);
            case 3:
                return (long) r.i16(key);
            case 4:
                return Integer.toUnsignedLong(r.i32(key));
            case 5:
                return (long) r.i32(key);
            case 6:
                return (double) r.f32(key);
            case 7:
                return r.i8(key) != 0;
            case 8:
                return string(r, v1, key);
            case 9: {
                if (depth > 4) throw new FormatException(file + ": metadata '" + key + "' nests arrays too deeply");
                int elemType = r.i32(key + " element type");
                long n = count(r, v1, key + " element count");
                if (n > r.remaining())
                    throw new FormatException(file + ": byte " + r.position() + ": array '" + key + "' declares " + n
                            + " elements, more than the file holds");
                if (n > MAX_ARRAY_ELEMENTS)
                    throw new FormatException(file + ": byte " + r.position() + ": array '" + key + "' declares " + n
                            + " elements, more than the " + MAX_ARRAY_ELEMENTS + " accepted");
                List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                for (long i = 0; i < n; i++) list.add(value(file, r, v1, elemType, key, depth + 1));
                return list;
            }
            case 10:
                return r.i64(key);
            case 11:
                return r.i64(key);
            case 12:
                return Double.longBitsToDouble(r.i64(key));
            default:
                throw new FormatException(
                        file + ": byte " + r.position() + ": metadata '" + key + "' has unknown value type " + type);
        }
    }

    private static long byteSize(Path file, TensorInfo t) throws FormatException {
        long n = t.elements();
        switch (t.type()) {
            case TYPE_F32:
                return 4 * n;
            case TYPE_F16:
                return 2 * n;
            case TYPE_Q8_0:
                if (t.dims()[0] % 32 != 0)
                    throw new FormatException(file + ": Q8_0 tensor '" + t.name() + "' has rows of " + t.dims()[0]
                            + ", not a multiple of 32");
                return n / 32 * 34;
            default:
                throw new FormatException(file + ": tensor '" + t.name() + "' has ggml type " + t.type()
                        + "; supported are F32 (0), F16 (1) and Q8_0 (8)");
        }
    }

    /** Maps tensor {@code t}, whose bytes {@link #header} checked lie within the file, from file byte {@code at}. */
    private static Tensor load(FileChannel ch, long at, TensorInfo t) throws IOException {
        int[] shape = new int[t.dims().length];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) t.dims()[shape.length - 1 - i];
        int n = (int) t.elements();
        if (t.type() == TYPE_F16 && shape.length == 2)
            return Tensor.ofHalf(MappedChunks.shorts(ch, at, n), DType.F16, shape); // stays 16-bit
        float[] v =
                switch (t.type()) {
                    case TYPE_F32 -> MappedChunks.floats(ch, at, n, StoredType.F32);
                    case TYPE_F16 -> MappedChunks.floats(ch, at, n, StoredType.F16);
                    default -> q8_0(ch, at, n);
                };
        return Tensor.of(v, shape);
    }

    /** Q8_0: blocks of 32 values, each an F16 scale followed by 32 signed bytes. */
    private static float[] q8_0(FileChannel ch, long at, int n) throws IOException {
        float[] v = new float[n];
        MappedChunks.forEach(ch, at, n / 32, 34, (b, first, blocks) -> {
            for (int blk = first; blk < first + blocks; blk++) {
                float d = HalfFloats.f16ToF32(b.getShort());
                for (int i = 0; i < 32; i++) v[blk * 32 + i] = d * b.get();
            }
        });
        return v;
    }

    private static String hfName(Path file, String gguf) throws FormatException {
        String name = GgufNames.toHf(gguf);
        if (name == null) throw new FormatException(file + ": unknown tensor '" + gguf + "' for a llama model");
        return name;
    }

    private static LlamaConfig config(Path file, Header h) throws FormatException {
        Map<String, Object> m = h.metadata();
        String arch =
                m.get("general.architecture") instanceof String ? (String) m.get("general.architecture") : "llama";
        if (!arch.equals("llama"))
            throw new FormatException(file + ": general.architecture '" + arch + "' is not supported (llama)");
        int dim = intKey(file, m, "llama.embedding_length", -1);
        int heads = intKey(file, m, "llama.attention.head_count", -1);
        int vocab =
                m.get("tokenizer.ggml.tokens") instanceof List ? ((List<?>) m.get("tokenizer.ggml.tokens")).size() : -1;
        TensorInfo embd = h.tensors().get("token_embd.weight");
        if (vocab < 0 && embd != null) vocab = (int) embd.dims()[1];
        try {
            return LlamaConfig.builder()
                    .dim(dim)
                    .layers(intKey(file, m, "llama.block_count", -1))
                    .heads(heads)
                    .kvHeads(intKey(file, m, "llama.attention.head_count_kv", heads))
                    .hiddenDim(intKey(file, m, "llama.feed_forward_length", -1))
                    .vocabSize(vocab)
                    .maxSeqLen(intKey(file, m, "llama.context_length", 2048))
                    .ropeTheta(positiveKey(file, m, "llama.rope.freq_base", 10000))
                    .normEps(positiveKey(file, m, "llama.attention.layer_norm_rms_epsilon", 1e-5))
                    .tiedEmbeddings(true)
                    .ropeLayout(RopeLayout.INTERLEAVED)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": metadata describes no valid model: " + e.getMessage(), e);
        }
    }

    private static int intKey(Path file, Map<String, Object> m, String key, int fallback) throws FormatException {
        Object v = m.get(key);
        if (v == null) {
            if (fallback >= 0) return fallback;
            throw new FormatException(file + ": missing metadata '" + key + "'");
        }
        if (!(v instanceof Long) || (Long) v > Integer.MAX_VALUE || (Long) v < 0)
            throw new FormatException(file + ": metadata '" + key + "' = " + v + " is not a usable integer");
        return (int) (long) (Long) v;
    }

    /** The number under {@code key} ({@code fallback} when absent), which must be positive and finite in fp32. */
    private static float positiveKey(Path file, Map<String, Object> m, String key, double fallback)
            throws FormatException {
        Object v = m.getOrDefault(key, fallback);
        if (!(v instanceof Number))
            throw new FormatException(file + ": metadata '" + key + "' = " + v + " is not a number");
        float f = ((Number) v).floatValue();
        if (!(f > 0) || !Float.isFinite(f))
            throw new FormatException(file + ": metadata '" + key + "' = " + v + " must be a positive finite number");
        return f;
    }

    /** The tokenizer a GGUF file's metadata describes (see {@link Tokenizers#fromGguf}), read from its header only; null when it has none. */
    public static Tokenizer tokenizer(Path file) throws IOException {
        return tokenizer(file, header(file));
    }

    private static Tokenizer tokenizer(Path file, Header h) throws FormatException {
        try {
            return Tokenizers.fromGguf(h.metadata());
        } catch (FormatException | IllegalArgumentException e) {
            throw new FormatException(file + ": tokenizer metadata: " + e.getMessage(), e);
        }
    }
}

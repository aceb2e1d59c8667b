package io.flexigpt.tensor.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}, then the
 * data section, to which the offsets are relative.
 *
 * <p>{@link #open} validates the whole header before anything is loaded: the header length (at most
 * 100 MB and within the file), strict JSON without duplicate names, known dtypes, at most 8 non-negative
 * dimensions and fewer than 2^31 elements, a byte range matching shape and dtype. As in the reference
 * implementation the tensors, ordered by offset, must tile the data section exactly: a gap, an overlap or
 * bytes after the last tensor are errors. Every problem is a {@link FormatException} naming the file, the
 * tensor and, where it applies, the file byte offset. Tensor data is memory-mapped when loaded (through
 * {@link MappedChunks}) and converted to fp32; files larger than 2 GiB are fine.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Largest header accepted, far above any real file's. */
    static final long MAX_HEADER = 100L << 20;

    static final int MAX_RANK = 8;

    /** Where one tensor lies: its stored dtype name, shape and byte range within the data section. */
    public record TensorInfo(String dtype, int[] shape, long begin, long end) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The number of elements the shape holds. */
        public int numel() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorInfo t
                    && dtype.equals(t.dtype)
                    && Arrays.equals(shape, t.shape)
                    && begin == t.begin
                    && end == t.end;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Long.hashCode(begin ^ end);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape) + "@[" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens {@code file} and validates its header; the file stays open until {@link #close}. */
    public static SafeTensorsFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        boolean opened = false;
        try {
            SafeTensorsFile f = read(file, channel);
            opened = true;
            return f;
        } finally {
            if (!opened) channel.close();
        }
    }

    private static SafeTensorsFile read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8)
            throw new FormatException(file + ": " + size
                    + " bytes is too short for a safetensors file (an 8-byte header length is expected)");
        long headerLength = channel.map(FileChannel.MapMode.READ_ONLY, 0, 8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
            throw new FormatException(file + ": byte 0: header length " + Long.toUnsignedString(headerLength)
                    + " is impossible for a file of " + size + " bytes (expected 2 to " + Math.min(MAX_HEADER, size - 8)
                    + ")");
        }
        ByteBuffer headerBytes = channel.map(FileChannel.MapMode.READ_ONLY, 8, headerLength);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file + ": the header (bytes 8.." + (8 + headerLength) + ") is not valid UTF-8");
        }
        String source = file + " header (from byte 8)";
        Map<String, Object> header = Json.object(Json.parse(headerText, source), "the header", source);
        long dataStart = 8 + headerLength, dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<String, Object> m : Json.object(e.getValue(), "__metadata__", file.toString())
                        .entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw new FormatException(file + ": metadata '" + m.getKey() + "' must be a string, found "
                                + Json.describe(m.getValue()));
                    }
                    metadata.put(m.getKey(), (String) m.getValue());
                }
            } else {
                tensors.put(e.getKey(), tensorInfo(file, e.getKey(), e.getValue(), dataStart, dataSize));
            }
        }
        checkTiling(file, tensors, dataStart, dataSize);
        return new SafeTensorsFile(
                file, channel, dataStart, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorInfo(Path file, String name, Object value, long dataStart, long dataSize)
            throws FormatException {
        String where = file + ": tensor '" + name + "'";
        Map<String, Object> m = Json.object(value, "tensor '" + name + "'", file.toString());
        for (String k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new FormatException(
                        where + ": unexpected field '" + k + "' (expected dtype, shape and data_offsets)");
            }
        }
        String dtype = Json.getString(m, "dtype", where);
        int size = elementSize(dtype);
        if (size < 0) throw new FormatException(where + ": unknown dtype '" + dtype + "'");
        List<Object> shapeList = Json.getList(m, "shape", where);
        if (shapeList.size() > MAX_RANK)
            throw new FormatException(
                    where + ": shape has " + shapeList.size() + " dimensions, at most " + MAX_RANK + " are supported");
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long) || (Long) d < 0 || (Long) d > Integer.MAX_VALUE) {
                throw new FormatException(where + ": dimension " + i + " of the shape is " + Json.write(d)
                        + ", expected an integer from 0 to " + Integer.MAX_VALUE);
            }
            shape[i] = (int) (long) (Long) d;
            count *= shape[i];
            if (count > Integer.MAX_VALUE)
                throw new FormatException(where + ": shape " + Json.write(shapeList) + " has more than "
                        + Integer.MAX_VALUE + " elements");
        }
        List<Object> offsets = Json.getList(m, "data_offsets", where);
        if (offsets.size() != 2 || !(offsets.get(0) instanceof Long) || !(offsets.get(1) instanceof Long)) {
            throw new FormatException(
                    where + ": data_offsets must be two integers [begin, end], found " + Json.write(offsets));
        }
        long begin = (Long) offsets.get(0), end = (Long) offsets.get(1);
        if (begin < 0 || begin > end)
            throw new FormatException(
                    where + ": data_offsets [" + begin + ", " + end + "] must satisfy 0 <= begin <= end");
        if (end > dataSize) {
            throw new FormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] end beyond the data section, which starts at file byte " + dataStart + " and has " + dataSize
                    + " bytes");
        }
        if (end - begin != count * size) {
            throw new FormatException(where + ": " + (end - begin) + " bytes at file byte " + (dataStart + begin)
                    + " cannot hold shape " + Json.write(shapeList) + " of " + dtype + " (" + count * size + " bytes)");
        }
        return new TensorInfo(dtype, shape, begin, end);
    }

    static int elementSize(String dtype) {
        switch (dtype) {
            case "F64":
            case "I64":
            case "U64":
                return 8;
            case "F32":
            case "I32":
            case "U32":
                return 4;
            case "F16":
            case "BF16":
            case "I16":
            case "U16":
                return 2;
            case "I8":
            case "U8":
            case "BOOL":
            case "F8_E4M3":
            case "F8_E5M2":
                return 1;
            default:
                return -1;
        }
    }

    /** The tensors ordered by offset must cover the data section exactly once. */
    private static void checkTiling(Path file, Map<String, TensorInfo> tensors, long dataStart, long dataSize)
            throws FormatException {
        List<Map.Entry<String, TensorInfo>> sorted = new ArrayList<>(tensors.entrySet());
        sorted.sort(Comparator.comparingLong(
                        (Map.Entry<String, TensorInfo> e) -> e.getValue().begin())
                .thenComparingLong(e -> e.getValue().end()));
        long covered = 0;
        String previous = null;
        for (Map.Entry<String, TensorInfo> e : sorted) {
            TensorInfo t = e.getValue();
            if (t.begin() < covered) {
                throw new FormatException(file + ": tensors '" + previous + "' and '" + e.getKey()
                        + "' overlap at file bytes " + (dataStart + t.begin()) + ".." + (dataStart + covered));
            }
            if (t.begin() > covered) {
                throw new FormatException(file + ": file bytes " + (dataStart + covered) + ".."
                        + (dataStart + t.begin()) + " before tensor '" + e.getKey()
                        + "' belong to no tensor (tensors must be contiguous)");
            }
            covered = t.end();
            previous = e.getKey();
        }
        if (covered != dataSize) {
            throw new FormatException(file + ": file bytes " + (dataStart + covered) + ".." + (dataStart + dataSize)
                    + " after the last tensor belong to no tensor");
        }
    }

    /** Tensor names in file order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    /** Whether the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Dtype, shape and byte range of tensor {@code name}. */
    public TensorInfo info(String name) throws FormatException {
        TensorInfo t = tensors.get(name);
        if (t == null)
            throw new FormatException(
                    file + ": no tensor named '" + name + "' among its " + tensors.size() + " tensors");
        return t;
    }

    /** The string pairs of {@code __metadata__} (empty when there is none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor {@code name} as a new fp32 tensor; F32, F16 and BF16 can be loaded, other dtypes are an error. */
    public Tensor load(String name) throws IOException {
        TensorInfo t = info(name);
        if (!channel.isOpen()) throw new IllegalStateException(file + " is closed");
        float[] out = MappedChunks.floats(channel, dataStart + t.begin(), t.numel(), storedType(name, t));
        return Tensor.of(out, t.shape());
    }

    /**
     * Tensor {@code name} kept in its 16-bit storage (no widening): a read-only BF16 or F16 tensor whose
     * values equal, exactly, those of {@link #load} on the same tensor. Other dtypes are an error.
     */
    public Tensor loadHalf(String name) throws IOException {
        TensorInfo t = info(name);
        if (!channel.isOpen()) throw new IllegalStateException(file + " is closed");
        boolean bf16 = t.dtype().equals("BF16");
        if (!bf16 && !t.dtype().equals("F16")) {
            throw new FormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + "; only BF16 and F16 can be kept in 16 bits");
        }
        short[] bits = MappedChunks.shorts(channel, dataStart + t.begin(), t.numel());
        return Tensor.ofHalf(bits, bf16 ? DType.BF16 : DType.F16, t.shape());
    }

    private StoredType storedType(String name, TensorInfo t) throws FormatException {
        for (StoredType s : StoredType.values()) {
            if (s.name().equals(t.dtype())) return s;
        }
        throw new FormatException(
                file + ": tensor '" + name + "' has dtype " + t.dtype() + "; only F32, F16 and BF16 can be loaded");
    }

    /** Closes the file; tensors already loaded stay valid. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}

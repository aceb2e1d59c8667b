package io.flexigpt.tensor.io;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, then the data.
 * The header is validated completely on {@link #open} (dtypes, shapes, sizes, offsets in range, no
 * overlaps, no duplicate names); tensors are converted to fp32 when loaded.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Largest header accepted, far above any real file's. */
    static final long MAX_HEADER = 100L << 20;

    /** Where one tensor lies: its stored dtype name, shape and byte range within the data section. */
    public record Entry(String dtype, int[] shape, long begin, long end) {}

    private final Path file;
    private final ByteBuffer data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, ByteBuffer data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafeTensorsFile open(Path file) throws IOException {
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FormatException(file + ": " + size + " bytes is too short for a safetensors file (8-byte header length expected)");
            if (size > Integer.MAX_VALUE) throw new FormatException(file + ": files over 2 GiB are not supported yet (" + size + " bytes)");
            all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        }
        long headerLength = all.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > all.capacity() - 8) {
            throw new FormatException(file + ": byte 0: header length " + Long.toUnsignedString(headerLength) + " does not fit the file of " + all.capacity() + " bytes (cap " + MAX_HEADER + ")");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        all.position(8);
        all.get(headerBytes);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file + ": header (bytes 8.." + (8 + headerLength) + ") is not valid UTF-8");
        }
        Map<String, Object> header = Json.object(Json.parse(headerText, file + " header"), "the header", file.toString());
        all.position(0);
        ByteBuffer data = all.slice(8 + (int) headerLength, all.capacity() - 8 - (int) headerLength).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<String, Object> m : Json.object(e.getValue(), "__metadata__", file.toString()).entrySet()) {
                    if (!(m.getValue() instanceof String)) throw new FormatException(file + ": metadata '" + m.getKey() + "' must be a string");
                    metadata.put(m.getKey(), (String) m.getValue());
                }
                continue;
            }
            entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), data.capacity()));
        }
        checkOverlaps(file, entries);
        return new SafeTensorsFile(file, data, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path file, String name, Object value, long dataSize) throws FormatException {
        String where = file + ": tensor '" + name + "'";
        Map<String, Object> m = Json.object(value, "tensor '" + name + "'", file.toString());
        String dtype = Json.getString(m, "dtype", where);
        int size = elementSize(dtype);
        if (size < 0) throw new FormatException(where + ": unknown dtype '" + dtype + "'");
        List<Object> shapeList = Json.getList(m, "shape", where);
        if (shapeList.size() > 8) throw new FormatException(where + ": shape has " + shapeList.size() + " dimensions");
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long) || (Long) d < 0 || (Long) d > Integer.MAX_VALUE) throw new FormatException(where + ": dimension " + i + " of the shape is " + d + ", expected a non-negative integer");
            shape[i] = (int) (long) (Long) d;
            count *= shape[i];
            if (count > Integer.MAX_VALUE) throw new FormatException(where + ": shape " + shapeList + " has more than " + Integer.MAX_VALUE + " elements");
        }
        List<Object> offsets = Json.getList(m, "data_offsets", where);
        if (offsets.size() != 2 || !(offsets.get(0) instanceof Long) || !(offsets.get(1) instanceof Long)) {
            throw new FormatException(where + ": data_offsets must be two integers, got " + offsets);
        }
        long begin = (Long) offsets.get(0), end = (Long) offsets.get(1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new FormatException(where + ": data_offsets [" + begin + ", " + end + "] are outside the data section of " + dataSize + " bytes");
        }
        if (end - begin != count * size) {
            throw new FormatException(where + ": " + (end - begin) + " bytes do not hold shape " + shapeList + " of " + dtype + " (" + count * size + " bytes)");
        }
        for (String k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) throw new FormatException(where + ": unexpected field '" + k + "'");
        }
        return new Entry(dtype, shape, begin, end);
    }

    static int elementSize(String dtype) {
        switch (dtype) {
            case "F64": case "I64": case "U64": return 8;
            case "F32": case "I32": case "U32": return 4;
            case "F16": case "BF16": case "I16": case "U16": return 2;
            case "I8": case "U8": case "BOOL": case "F8_E4M3": case "F8_E5M2": return 1;
            default: return -1;
        }
    }

    private static void checkOverlaps(Path file, Map<String, Entry> entries) throws FormatException {
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> Long.compare(a.getValue().begin(), b.getValue().begin()));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1).getValue(), cur = sorted.get(i).getValue();
            if (cur.begin() < prev.end()) {
                throw new FormatException(file + ": tensors '" + sorted.get(i - 1).getKey() + "' and '" + sorted.get(i).getKey() + "' overlap at data bytes " + cur.begin() + ".." + prev.end());
            }
        }
    }

    /** Tensor names in file order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public Entry entry(String name) throws FormatException {
        Entry e = entries.get(name);
        if (e == null) throw new FormatException(file + ": no tensor named '" + name + "'");
        return e;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor converted to fp32 (F32, F16 and BF16 are supported). */
    public Tensor load(String name) throws FormatException {
        Entry e = entry(name);
        int n = (int) ((e.end() - e.begin()) / Math.max(1, elementSize(e.dtype())));
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) e.begin());
        float[] v;
        switch (e.dtype()) {
            case "F32":
                v = new float[n];
                b.asFloatBuffer().get(v);
                break;
            case "F16":
                v = HalfFloats.f16Array(b, n);
                break;
            case "BF16":
                v = HalfFloats.bf16Array(b, n);
                break;
            default:
                throw new FormatException(file + ": tensor '" + name + "' has dtype " + e.dtype() + "; only F32, F16 and BF16 can be loaded");
        }
        return Tensor.of(v, e.shape());
    }

    @Override
    public void close() {
        // the mapping is released by the garbage collector; nothing else is held open
    }
}

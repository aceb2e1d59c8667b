package io.flexigpt.tensor.io;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.Json;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.tensor.Tensor;
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
import java.util.function.Function;

/**
 * Writes tensors as a safetensors file in the given order, contiguous from offset 0, with the header padded
 * by spaces to a multiple of 8 bytes. The write is atomic: a temporary file in the same directory is
 * written, synced to disk, then renamed over the target, so readers see the old file or the complete new one.
 */
public final class SafeTensorsWriter {
    /** Elements encoded per buffer while streaming a tensor to disk. */
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private SafeTensorsWriter() {}

    /**
     * Writes {@code tensors} (iterated in order) and {@code metadata} (may be null or empty) to {@code file},
     * each tensor converted to {@code type}.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, StoredType type)
            throws IOException {
        write(file, tensors, metadata, t -> type);
    }

    /** {@link #write(Path, Map, Map, StoredType)} with each tensor stored as the type {@code typeOf} gives it. */
    public static void write(
            Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Function<Tensor, StoredType> typeOf)
            throws IOException {
        write(file, tensors, metadata, typeOf, ProgressListener.NONE);
    }

    /** As {@link #write(Path, Map, Map, Function)}, reporting the bytes of tensor data written out of their total. */
    public static void write(
            Path file,
            Map<String, Tensor> tensors,
            Map<String, String> metadata,
            Function<Tensor, StoredType> typeOf,
            ProgressListener progress)
            throws IOException {
        Map<String, StoredType> types = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet())
            types.put(e.getKey(), e.getValue() == null ? StoredType.F32 : typeOf.apply(e.getValue()));
        byte[] header = header(tensors, metadata, types);
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            long total = 0, done = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet())
                total += (long) e.getValue().numel() * types.get(e.getKey()).bytes();
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                StoredType type = types.get(e.getKey());
                writeData(ch, e.getValue(), type);
                done += (long) e.getValue().numel() * type.bytes();
                progress.progress(done, total);
            }
        });
    }

    /** The 8-byte length followed by the JSON header padded with spaces to a multiple of 8. */
    private static byte[] header(
            Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, StoredType> types) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__"))
                throw new IllegalArgumentException("'__metadata__' cannot name a tensor");
            if (e.getValue() == null) throw new IllegalArgumentException("tensor '" + e.getKey() + "' is null");
            List<Object> shape = new ArrayList<>();
            for (int d : e.getValue().shape()) shape.add((long) d);
            StoredType type = types.get(e.getKey());
            long bytes = (long) e.getValue().numel() * type.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", type.name());
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.hasRemaining()) b.put((byte) ' ');
        return b.array();
    }

    private static void writeData(FileChannel ch, Tensor t, StoredType type) throws IOException {
        float[] v = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(Math.min(v.length, CHUNK_ELEMENTS) * type.bytes())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < v.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(v.length, start + CHUNK_ELEMENTS);
            b.clear();
            for (int i = start; i < end; i++) {
                switch (type) {
                    case F32 -> b.putFloat(v[i]);
                    case F16 -> b.putShort(HalfFloats.f32ToF16(v[i]));
                    case BF16 -> b.putShort(HalfFloats.f32ToBf16(v[i]));
                }
            }
            AtomicFiles.writeFully(ch, b.flip());
        }
    }
}

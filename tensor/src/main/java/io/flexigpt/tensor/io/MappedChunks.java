package io.flexigpt.tensor.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Reads a byte range of an open file through read-only memory maps of at most 1 GiB each, so offsets are
 * 64-bit and neither the file nor the range is limited to the 2 GiB of one mapping. Ranges of at most
 * 64 KiB are read into the heap instead, which costs less than setting up a mapping. The caller checks that
 * the range lies within the file.
 */
public final class MappedChunks {
    private MappedChunks() {}

    /** Bytes mapped at a time. */
    static final int CHUNK_BYTES = 1 << 30;
    /** Chunks up to this size are read rather than mapped. */
    static final int READ_BYTES = 1 << 16;

    /** Receives one chunk of a range. */
    @FunctionalInterface
    public interface Visitor {
        /** {@code chunk} (little-endian, at position 0) holds {@code count} whole records, the first being record {@code first} of the range. */
        void accept(ByteBuffer chunk, int first, int count) throws IOException;
    }

    /** Reads {@code count} records of {@code recordBytes} bytes each, starting at file byte {@code offset}, chunk by chunk. */
    public static void forEach(FileChannel channel, long offset, int count, int recordBytes, Visitor visitor)
            throws IOException {
        forEach(channel, offset, count, recordBytes, CHUNK_BYTES, visitor);
    }

    /** {@link #forEach(FileChannel, long, int, int, Visitor)} with chunks of at most {@code chunkBytes}. */
    static void forEach(FileChannel channel, long offset, int count, int recordBytes, int chunkBytes, Visitor visitor)
            throws IOException {
        int perChunk = chunkBytes / recordBytes;
        if (perChunk < 1)
            throw new IllegalArgumentException(
                    "records of " + recordBytes + " bytes do not fit chunks of " + chunkBytes);
        for (int done = 0; done < count; ) {
            int k = Math.min(count - done, perChunk);
            visitor.accept(chunk(channel, offset + (long) done * recordBytes, k * recordBytes), done, k);
            done += k;
        }
    }

    private static ByteBuffer chunk(FileChannel channel, long at, int bytes) throws IOException {
        if (bytes > READ_BYTES)
            return channel.map(FileChannel.MapMode.READ_ONLY, at, bytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0)
                throw new EOFException(
                        "the file ends at byte " + (at + b.position()) + ", inside bytes " + at + ".." + (at + bytes));
        }
        return b.flip();
    }

    /** The {@code n} values stored as {@code type} from file byte {@code offset}, converted to fp32. */
    public static float[] floats(FileChannel channel, long offset, int n, StoredType type) throws IOException {
        return floats(channel, offset, n, type, CHUNK_BYTES);
    }

    static float[] floats(FileChannel channel, long offset, int n, StoredType type, int chunkBytes) throws IOException {
        float[] out = new float[n];
        forEach(channel, offset, n, type.bytes(), chunkBytes, (b, first, count) -> {
            switch (type) {
                case F32 -> b.asFloatBuffer().get(out, first, count);
                case F16 -> HalfFloats.decodeF16(b, out, first, count);
                case BF16 -> HalfFloats.decodeBf16(b, out, first, count);
            }
        });
        return out;
    }

    /** {@code n} little-endian 16-bit values (BF16 or F16 bit patterns) from {@code offset}, as stored. */
    public static short[] shorts(FileChannel channel, long offset, int n) throws IOException {
        short[] out = new short[n];
        forEach(channel, offset, n, 2, CHUNK_BYTES, (b, first, count) -> b.asShortBuffer()
                .get(out, first, count));
        return out;
    }
}

package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Bounds-checked little-endian reads of a file's header through a small buffer, at 64-bit positions;
 * every failure names the file and offset. Bulk data is mapped per tensor instead.
 */
final class LittleEndianReader {
    /** Bytes read from the file at a time. */
    static final int WINDOW = 1 << 16;

    private final FileChannel channel;
    private final Path file;
    private final long size;
    /** File bytes {@code [windowStart, windowStart + window.limit())}; its position is the read position. */
    private final ByteBuffer window =
            ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN).limit(0);

    private long windowStart;

    LittleEndianReader(FileChannel channel, Path file) throws IOException {
        this.channel = channel;
        this.file = file;
        this.size = channel.size();
    }

    /** An error at the current position of this file. */
    FormatException error(String message) {
        return new FormatException(file + ": byte " + position() + ": " + message);
    }

    long size() {
        return size;
    }

    long position() {
        return windowStart + window.position();
    }

    long remaining() {
        return size - position();
    }

    void position(long p) throws FormatException {
        if (p < 0 || p > size)
            throw new FormatException(file + ": offset " + p + " is outside the file (" + size + " bytes)");
        if (p >= windowStart && p <= windowStart + window.limit()) {
            window.position((int) (p - windowStart));
        } else {
            windowStart = p;
            window.position(0).limit(0);
        }
    }

    /** Checks that {@code bytes} remain and, when they fit the window, that the window holds them. */
    private void need(long bytes, String what) throws IOException {
        if (bytes < 0 || bytes > remaining()) {
            throw new FormatException(file + ": truncated at byte " + position() + ": " + what + " needs " + bytes
                    + " bytes, " + remaining() + " remain");
        }
        if (bytes <= window.remaining() || bytes > WINDOW) return;
        windowStart = position();
        window.clear().limit((int) Math.min(WINDOW, size - windowStart));
        fill(window, windowStart, what);
        window.flip();
    }

    /** Fills {@code b} (from position 0) with the file bytes from {@code start}. */
    private void fill(ByteBuffer b, long start, String what) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b, start + b.position()) < 0)
                throw new FormatException(
                        file + ": truncated at byte " + (start + b.position()) + " while reading " + what);
        }
    }

    int i32(String what) throws IOException {
        need(4, what);
        return window.getInt();
    }

    long i64(String what) throws IOException {
        need(8, what);
        return window.getLong();
    }

    float f32(String what) throws IOException {
        need(4, what);
        return window.getFloat();
    }

    byte i8(String what) throws IOException {
        need(1, what);
        return window.get();
    }

    short i16(String what) throws IOException {
        need(2, what);
        return window.getShort();
    }

    /** {@code n} bytes; the caller bounds {@code n} to what it is willing to allocate. */
    byte[] bytes(long n, String what) throws IOException {
        need(n, what);
        byte[] b = new byte[(int) n];
        if (n <= WINDOW) {
            window.get(b);
        } else {
            long at = position();
            fill(ByteBuffer.wrap(b), at, what);
            position(at + n);
        }
        return b;
    }
}

package io.flexigpt.nn.io;

import io.flexigpt.tensor.io.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Bounds-checked little-endian reads over a byte buffer; every failure names the file and offset. */
final class LittleEndianReader {
    private final ByteBuffer buf;
    private final Path file;

    LittleEndianReader(ByteBuffer buf, Path file) {
        this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
    }

    /** An error at the current position of this file. */
    FormatException error(String message) {
        return new FormatException(file + ": byte " + buf.position() + ": " + message);
    }

    long position() {
        return buf.position();
    }

    long remaining() {
        return buf.remaining();
    }

    void position(long p) throws FormatException {
        if (p < 0 || p > buf.limit()) throw new FormatException(file + ": offset " + p + " is outside the file (" + buf.limit() + " bytes)");
        buf.position((int) p);
    }

    private void need(long bytes, String what) throws FormatException {
        if (bytes < 0 || bytes > buf.remaining()) {
            throw new FormatException(file + ": truncated at byte " + buf.position() + ": " + what + " needs " + bytes + " bytes, " + buf.remaining() + " remain");
        }
    }

    int i32(String what) throws FormatException {
        need(4, what);
        return buf.getInt();
    }

    long i64(String what) throws FormatException {
        need(8, what);
        return buf.getLong();
    }

    float f32(String what) throws FormatException {
        need(4, what);
        return buf.getFloat();
    }

    byte i8(String what) throws FormatException {
        need(1, what);
        return buf.get();
    }

    short i16(String what) throws FormatException {
        need(2, what);
        return buf.getShort();
    }

    byte[] bytes(long n, String what) throws FormatException {
        need(n, what);
        byte[] b = new byte[(int) n];
        buf.get(b);
        return b;
    }

    float[] floats(long n, String what) throws FormatException {
        if (n < 0 || n > Integer.MAX_VALUE / 4) throw new FormatException(file + ": " + what + " declares " + n + " floats, more than a tensor can hold");
        need(n * 4, what);
        float[] out = new float[(int) n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + (int) n * 4);
        return out;
    }

    /** A little-endian view of {@code n} bytes at the current position, advancing past them. */
    ByteBuffer slice(long n, String what) throws FormatException {
        need(n, what);
        ByteBuffer s = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        s.limit((int) n);
        buf.position(buf.position() + (int) n);
        return s;
    }
}

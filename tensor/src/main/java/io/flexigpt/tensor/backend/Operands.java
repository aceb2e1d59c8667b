package io.flexigpt.tensor.backend;

/** Argument checks every backend applies, so all backends reject the same calls with the same message. */
public final class Operands {
    private Operands() {}

    /** Throws unless {@code buffer} holds exactly {@code expected} floats. */
    public static void requireLength(String op, String name, DeviceBuffer buffer, long expected) {
        if (buffer.length() != expected) {
            throw new IllegalArgumentException(
                    op + ": " + name + " holds " + buffer.length() + " floats, expected " + expected);
        }
    }

    /** Throws unless {@code buffer} holds at least {@code expected} floats. */
    public static void requireAtLeast(String op, String name, DeviceBuffer buffer, long expected) {
        if (buffer.length() < expected) {
            throw new IllegalArgumentException(
                    op + ": " + name + " holds " + buffer.length() + " floats, needs at least " + expected);
        }
    }

    /** Throws unless all buffers are distinct objects (outputs must not alias inputs, inputs not each other). */
    public static void requireDistinct(String op, DeviceBuffer... buffers) {
        for (int i = 0; i < buffers.length; i++) {
            for (int j = i + 1; j < buffers.length; j++) {
                if (buffers[i] == buffers[j]) {
                    throw new IllegalArgumentException(
                            op + ": arguments " + i + " and " + j + " are the same buffer; pass distinct buffers");
                }
            }
        }
    }

    /** Throws unless all buffers have the same length as the first. */
    public static void requireSameLength(String op, DeviceBuffer... buffers) {
        for (DeviceBuffer b : buffers) requireLength(op, "operand", b, buffers[0].length());
    }

    /** Throws unless {@code [offset, offset + count)} lies within a buffer of {@code length} floats. */
    public static void requireRange(int offset, int count, int length) {
        if (offset < 0 || offset > length - count) {
            throw new IndexOutOfBoundsException(
                    "write of " + count + " floats at " + offset + " into a buffer of " + length);
        }
    }

    static void requirePositive(String what, int... values) {
        for (int v : values) {
            if (v <= 0) throw new IllegalArgumentException(what + ": sizes must be positive, got " + v);
        }
    }

    static long product(int... values) {
        long p = 1;
        for (int v : values) p *= v;
        if (p > Integer.MAX_VALUE)
            throw new IllegalArgumentException("operand of " + p + " floats exceeds one Java array");
        return p;
    }
}

package io.flexigpt.tensor;

/**
 * Element type of a {@link Tensor}'s storage. Models compute in {@link #F32}; {@link #F64} exists so
 * that gradients and numerical properties can be checked in double precision with the same code;
 * {@link #BF16} and {@link #F16} store frozen weights in 16 bits, read-only, widened exactly to fp32
 * wherever they are used.
 */
public enum DType {
    F32(4),
    F64(8),
    BF16(2),
    F16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }

    /** True for the 16-bit storage types (BF16, F16). */
    public boolean isHalf() {
        return this == BF16 || this == F16;
    }
}

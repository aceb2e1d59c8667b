package io.flexigpt.tensor.io;

import io.flexigpt.tensor.Tensor;

/** Element types {@link SafeTensorsWriter} can store and {@link SafeTensorsFile} and {@link MappedChunks} can read (as fp32). */
public enum StoredType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    StoredType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * The narrowest type that holds every value of {@code t} exactly: BF16, else F16, else F32 (so a tensor
     * read from a BF16 or F16 file goes back to its type, and anything computed in fp32 stays F32).
     */
    public static StoredType narrowestExact(Tensor t) {
        float[] v = t.toFloatArray();
        boolean bf16 = true, f16 = true;
        for (int i = 0; i < v.length && (bf16 || f16); i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            bf16 &= (bits & 0xFFFF) == 0;
            f16 &= Float.floatToRawIntBits(HalfFloats.f16ToF32(HalfFloats.f32ToF16(v[i]))) == bits;
        }
        return bf16 ? BF16 : f16 ? F16 : F32;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }
}

package io.flexigpt.tensor.io;

/** Element types {@link SafeTensorsWriter} can store and {@link SafeTensorsFile} and {@link MappedChunks} can read (as fp32). */
public enum StoredType {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    StoredType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }
}

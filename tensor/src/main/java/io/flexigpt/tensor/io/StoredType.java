package io.flexigpt.tensor.io;

/** Element types a tensor file can store; all are converted to fp32 on reading. */
public enum StoredType {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    StoredType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}

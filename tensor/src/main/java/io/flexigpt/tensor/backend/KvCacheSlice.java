package io.flexigpt.tensor.backend;

/**
 * Where one attention layer keeps its keys and values on a device: rows of {@code kvHeads·headDim}
 * floats in {@code keys} and {@code values}, starting at float {@code offset}. Several layers may share
 * one pair of buffers at different offsets, so the buffers stay bound to the attention kernel.
 */
public record KvCacheSlice(DeviceBuffer keys, DeviceBuffer values, int offset) {
    public KvCacheSlice {
        if (keys == null || values == null)
            throw new IllegalArgumentException("KV cache: keys and values are required");
        if (keys == values) throw new IllegalArgumentException("KV cache: keys and values must be distinct buffers");
        if (offset < 0) throw new IllegalArgumentException("KV cache: negative offset " + offset);
    }

    /** A cache of its own for {@code rows} rows of {@code rowLength} floats. */
    public static KvCacheSlice allocate(ComputeBackend backend, int rows, int rowLength) {
        int floats = Math.multiplyExact(rows, rowLength);
        return new KvCacheSlice(backend.allocate(floats), backend.allocate(floats), 0);
    }
}

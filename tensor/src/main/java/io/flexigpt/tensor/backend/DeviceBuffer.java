package io.flexigpt.tensor.backend;

/**
 * A contiguous fp32 array owned by one {@link ComputeBackend}. Between ops it stays where the backend
 * last wrote it (host memory for the CPU, device memory for OpenCL where the driver allows), so a
 * chain of ops does not copy through the host; {@link #read()} and {@link #write} are the explicit
 * transfers.
 */
public interface DeviceBuffer {
    /** Number of floats held. */
    int length();

    /** Replaces the whole contents with {@code values} (exactly {@link #length()} floats). */
    void write(float[] values);

    /**
     * Replaces {@code values.length} floats starting at {@code offset}, e.g. appends a row to a KV
     * cache. On OpenCL the whole buffer is copied to the device again on its next use.
     */
    void write(int offset, float[] values);

    /** A fresh host copy of the contents. */
    float[] read();
}

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

    /** A fresh host copy of the contents. */
    float[] read();
}

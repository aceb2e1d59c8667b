package io.flexigpt.tensor.backend;

/**
 * The fp32 kernels of a transformer forward on one device. Operands are {@link DeviceBuffer}s of
 * this backend holding contiguous row-major data; outputs are overwritten (never accumulated into)
 * and must not alias an input. Implementations are thread-safe by serialising calls; {@link
 * #close()} releases device resources, after which buffers can still be {@link DeviceBuffer#read
 * read} but no op may run.
 */
public interface ComputeBackend extends AutoCloseable {
    /** Short name of the backend and its device, e.g. {@code cpu} or {@code opencl:<device>}. */
    String name();

    /** A zero-filled buffer of {@code length} (at least 1) floats. */
    DeviceBuffer allocate(int length);

    /** A buffer holding a copy of {@code values}. */
    default DeviceBuffer upload(float[] values) {
        DeviceBuffer b = allocate(values.length);
        b.write(values);
        return b;
    }

    /**
     * A read-only buffer holding a copy of {@code values}, for weights: it stays on the device for the
     * backend's life (on OpenCL in a weight store bound to the matmul kernel, copied to the device once);
     * writing it, or passing it as an op's output, throws.
     */
    DeviceBuffer constant(float[] values);

    /** {@code c[i] = op(a[i])·op(b[i])} for every matrix {@code i} of the batch; see {@link MatmulShape}. */
    void matmul(MatmulShape shape, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    /** Softmax of every row: {@code out[r][j] = exp(x[r][j] - max_r) / sum_j exp(x[r][j] - max_r)}. */
    void softmaxRows(RowsShape shape, DeviceBuffer x, DeviceBuffer out);

    /** RMSNorm of every row: {@code out[r][j] = x[r][j] · gain[j] / sqrt(mean_j(x[r][j]²) + eps)}. */
    void rmsNormRows(RowsShape shape, DeviceBuffer x, DeviceBuffer gain, float eps, DeviceBuffer out);

    /** Rotary position embedding of {@code x} (row {@code r} at {@code positions[r]}) into {@code out}. */
    void rope(RopeShape shape, int[] positions, DeviceBuffer x, DeviceBuffer out);

    /** SwiGLU gate: {@code out[i] = silu(a[i]) · b[i]} with {@code silu(x) = x / (1 + exp(-x))}. */
    void siluMul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out);

    /** {@code out[i] = a[i] + b[i]}. */
    void add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out);

    /** {@code out[i] = a[i] · b[i]}. */
    void mul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out);

    /** {@code out[i] = a[i] · factor}. */
    void scale(DeviceBuffer a, float factor, DeviceBuffer out);

    /** Every row times one row vector, {@code out[r][j] = x[r][j] · v[j]} (per-channel scales). */
    void mulRows(RowsShape shape, DeviceBuffer x, DeviceBuffer v, DeviceBuffer out);

    /**
     * Causal multi-head (grouped-query) attention over a KV cache: stores the queries' own keys and values
     * {@code k, v} ({@code shape.queries()} rows) as cache rows {@code keys-queries ..}, then takes scores,
     * mask, softmax and the weighted sum of values over cache rows {@code 0 .. keys-1}. The cache stays on
     * the device: a decoding step moves only its own rows.
     */
    void causalAttention(
            AttentionShape shape, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, KvCacheSlice cache, DeviceBuffer out);

    /** Releases device resources; idempotent. */
    @Override
    void close();
}

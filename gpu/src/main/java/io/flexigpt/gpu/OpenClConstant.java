package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.DeviceBuffer;

/**
 * A read-only buffer of the OpenCL backend: a slice of its {@link WeightStore}. The matmul reads it there
 * directly; other kernels (a norm's gain, say) get a plain copy made on first use.
 */
final class OpenClConstant implements DeviceBuffer {
    final WeightStore store;
    final int offset;
    private final int length;
    private final Object lock;
    private OpenClBuffer copy;

    OpenClConstant(WeightStore store, float[] values, Object lock) {
        if (values.length < 1)
            throw new IllegalArgumentException("OpenCL buffers hold at least one float, asked for 0");
        this.store = store;
        this.offset = store.add(values);
        this.length = values.length;
        this.lock = lock;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void write(float[] values) {
        throw new UnsupportedOperationException("constant buffers are read-only");
    }

    @Override
    public void write(int offset, float[] values) {
        throw new UnsupportedOperationException("constant buffers are read-only");
    }

    @Override
    public float[] read() {
        return store.read(offset, length);
    }

    boolean belongsTo(Object backend) {
        return lock == backend;
    }

    /** A plain buffer with the same contents, for kernels other than the weight matmul. */
    OpenClBuffer asBuffer() {
        if (copy == null) {
            copy = new OpenClBuffer(length, lock);
            copy.write(read());
        }
        return copy;
    }
}

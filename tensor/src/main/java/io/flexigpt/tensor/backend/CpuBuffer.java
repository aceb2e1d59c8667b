package io.flexigpt.tensor.backend;

/** A {@link DeviceBuffer} in host memory: the array itself. */
final class CpuBuffer implements DeviceBuffer {
    final float[] data;
    /** Set by {@link CpuBackend#constant} once the contents are in. */
    boolean readOnly;

    CpuBuffer(int length) {
        if (length < 1) throw new IllegalArgumentException("buffers hold at least one float, asked for " + length);
        this.data = new float[length];
    }

    @Override
    public int length() {
        return data.length;
    }

    @Override
    public void write(float[] values) {
        requireWritable();
        if (values.length != data.length) {
            throw new IllegalArgumentException("write: " + values.length + " values into a buffer of " + data.length);
        }
        System.arraycopy(values, 0, data, 0, data.length);
    }

    @Override
    public void write(int offset, float[] values) {
        requireWritable();
        Operands.requireRange(offset, values.length, data.length);
        System.arraycopy(values, 0, data, offset, values.length);
    }

    private void requireWritable() {
        if (readOnly) throw new UnsupportedOperationException("constant buffers are read-only");
    }

    @Override
    public float[] read() {
        return data.clone();
    }
}

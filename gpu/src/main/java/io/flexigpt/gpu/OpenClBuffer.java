package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.Operands;

/**
 * A buffer of the OpenCL backend: a host array plus where its newest contents live. Aparapi keeps
 * one device copy per kernel argument, so "on the device" means: in the argument slot of the kernel
 * that last wrote it ({@link #writer}), and possibly still current in slots that read it since.
 * {@link #version} counts writes, so a slot knows whether its copy is current.
 */
final class OpenClBuffer implements DeviceBuffer {
    final float[] host;
    private final Object lock;
    long version;
    DeviceKernel.Slot writer;

    OpenClBuffer(int length, Object lock) {
        if (length < 1)
            throw new IllegalArgumentException("OpenCL buffers hold at least one float, asked for " + length);
        this.host = new float[length];
        this.lock = lock;
    }

    @Override
    public int length() {
        return host.length;
    }

    @Override
    public void write(float[] values) {
        if (values.length != host.length) {
            throw new IllegalArgumentException("write: " + values.length + " values into a buffer of " + host.length);
        }
        synchronized (lock) {
            System.arraycopy(values, 0, host, 0, host.length);
            writer = null;
            version++;
        }
    }

    @Override
    public void write(int offset, float[] values) {
        Operands.requireRange(offset, values.length, host.length);
        synchronized (lock) {
            ensureOnHost();
            System.arraycopy(values, 0, host, offset, values.length);
            version++;
        }
    }

    @Override
    public float[] read() {
        synchronized (lock) {
            ensureOnHost();
            return host.clone();
        }
    }

    boolean belongsTo(Object backend) {
        return lock == backend;
    }

    /** Copies the newest contents back from the device if a kernel wrote them there. */
    void ensureOnHost() {
        if (writer != null) {
            writer.copyToHost(host);
            writer = null;
        }
    }
}

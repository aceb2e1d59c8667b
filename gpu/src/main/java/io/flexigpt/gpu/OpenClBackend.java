package io.flexigpt.gpu;

import com.aparapi.device.OpenCLDevice;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;
import io.flexigpt.tensor.backend.MatmulShape;
import io.flexigpt.tensor.backend.Operands;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.List;

/**
 * {@link ComputeBackend} on an OpenCL device through Aparapi. All kernels compile, and run once to
 * prove they run through OpenCL, when the backend opens; work-group sizes and the matmul tile come
 * from the device's limits. Calls are serialised (Aparapi kernels must not run from two threads at
 * once). Aparapi records device preferences per kernel class, so a process should use one device.
 *
 * <p>Data residency, and its limits: buffers stay on the device between ops, but Aparapi keeps one
 * device copy per argument of each kernel, so handing one kernel's output to another kernel (or to
 * another argument of the same kernel) goes through host memory once; repeating an op on the same
 * buffers copies nothing. Hence weights are {@link #constant constants} packed into one array bound
 * to the matmul, and a model's KV caches share one pair of buffers bound to the attention kernel,
 * which appends its own rows: after the first step, decoding copies activations only. On a CPU device
 * such as PoCL these copies are memcpys.
 */
public final class OpenClBackend implements ComputeBackend {
    /** Largest matmul tile side: two 64×64 float tiles (32 KiB) fit the local memory of most GPUs; fastest on PoCL. */
    static final int MAX_TILE = 64;

    private final OpenClDeviceInfo info;
    private final Kernels kernels;
    private final WeightStore weights = new WeightStore(this);
    private boolean closed;

    private OpenClBackend(OpenCLDevice device, int maxTile) throws BackendUnavailableException {
        this.info = OpenClDevices.describe(device);
        this.kernels = new Kernels(device, maxTile, this);
    }

    /** Opens the backend on the first usable OpenCL device (GPUs before CPUs). */
    public static OpenClBackend open() throws BackendUnavailableException {
        return open(MAX_TILE);
    }

    static OpenClBackend open(int maxTile) throws BackendUnavailableException {
        List<OpenCLDevice> devices = OpenClDevices.usable();
        BackendUnavailableException last = null;
        for (OpenCLDevice device : devices) {
            try {
                return new OpenClBackend(device, maxTile);
            } catch (BackendUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The device this backend runs on. */
    public OpenClDeviceInfo device() {
        return info;
    }

    /** Side of the square tile the matmul kernel stages through local memory. */
    public int matmulTile() {
        return kernels.tile;
    }

    @Override
    public String name() {
        return "opencl:" + info.name();
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return new OpenClBuffer(length, this);
    }

    @Override
    public synchronized DeviceBuffer constant(float[] values) {
        requireOpen();
        return new OpenClConstant(weights, values, this);
    }

    /** Bytes copied from host memory to the device so far, by every kernel (for checking that data stays on the device). */
    public synchronized long bytesCopiedToDevice() {
        return kernels.bytesToDevice();
    }

    @Override
    public synchronized void matmul(MatmulShape s, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        s.check(a, b, c);
        requireOpen();
        if (b instanceof OpenClConstant w && w.belongsTo(this)) kernels.matmul(s, own(a), w, out(c));
        else kernels.matmul(s, own(a), own(b), out(c));
    }

    @Override
    public synchronized void softmaxRows(RowsShape s, DeviceBuffer x, DeviceBuffer out) {
        s.check("softmaxRows", x, out);
        requireOpen();
        kernels.softmax(s, own(x), out(out));
    }

    @Override
    public synchronized void rmsNormRows(RowsShape s, DeviceBuffer x, DeviceBuffer gain, float eps, DeviceBuffer out) {
        Operands.requireDistinct("rmsNormRows", x, gain, out);
        s.check("rmsNormRows", x, out);
        Operands.requireLength("rmsNormRows", "gain", gain, s.cols());
        requireOpen();
        kernels.rmsNorm(s, own(x), own(gain), eps, out(out));
    }

    @Override
    public synchronized void rope(RopeShape s, int[] positions, DeviceBuffer x, DeviceBuffer out) {
        s.check(positions, x, out);
        requireOpen();
        kernels.rope(s, s.layout() == RopeLayout.INTERLEAVED, positions, own(x), out(out));
    }

    @Override
    public synchronized void siluMul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        binary("siluMul", ElementwiseKernel.SILU_MUL, a, b, out);
    }

    @Override
    public synchronized void add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        binary("add", ElementwiseKernel.ADD, a, b, out);
    }

    @Override
    public synchronized void mul(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        binary("mul", ElementwiseKernel.MUL, a, b, out);
    }

    private void binary(String op, int code, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
        Operands.requireDistinct(op, a, b, out);
        Operands.requireSameLength(op, a, b, out);
        requireOpen();
        kernels.elementwise(code, own(a), own(b), 0f, out(out));
    }

    @Override
    public synchronized void scale(DeviceBuffer a, float factor, DeviceBuffer out) {
        Operands.requireDistinct("scale", a, out);
        Operands.requireSameLength("scale", a, out);
        requireOpen();
        kernels.elementwise(ElementwiseKernel.SCALE, own(a), null, factor, out(out));
    }

    @Override
    public synchronized void mulRows(RowsShape s, DeviceBuffer x, DeviceBuffer v, DeviceBuffer out) {
        Operands.requireDistinct("mulRows", x, v, out);
        s.check("mulRows", x, out);
        Operands.requireLength("mulRows", "v", v, s.cols());
        requireOpen();
        kernels.elementwise(ElementwiseKernel.MUL_ROWS, own(x), own(v), 0f, s.cols(), out(out));
    }

    @Override
    public synchronized void causalAttention(
            AttentionShape s, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, KvCacheSlice cache, DeviceBuffer out) {
        s.check(q, k, v, cache, out);
        requireOpen();
        kernels.attention(s, own(q), own(k), own(v), out(cache.keys()), out(cache.values()), cache.offset(), out(out));
    }

    /** An input operand: a buffer of this backend, or a constant's plain copy. */
    private OpenClBuffer own(DeviceBuffer b) {
        if (b instanceof OpenClBuffer cl && cl.belongsTo(this)) return cl;
        if (b instanceof OpenClConstant w && w.belongsTo(this)) return w.asBuffer();
        throw new IllegalArgumentException("buffer of another backend passed to " + name());
    }

    /** An output operand: a writable buffer of this backend. */
    private OpenClBuffer out(DeviceBuffer b) {
        if (b instanceof OpenClConstant)
            throw new IllegalArgumentException("a constant buffer cannot be an op's output");
        return own(b);
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException(name() + " is closed");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            kernels.dispose();
        }
    }

    @Override
    public String toString() {
        return "OpenClBackend[" + info + ", matmul tile " + kernels.tile + "]";
    }
}

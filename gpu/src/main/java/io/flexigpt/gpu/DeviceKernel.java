package io.flexigpt.gpu;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.QueryFailedException;
import com.aparapi.internal.kernel.KernelDeviceProfile;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.kernel.KernelProfile;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Aparapi kernel bound to one OpenCL device in explicit-transfer mode. Array arguments are
 * {@link Slot}s: an input is copied to the device only when the slot does not already hold that
 * buffer's current version; an output stays on the device until something needs it elsewhere.
 * Every launch is verified to have run on the device: Aparapi silently re-runs a kernel in a Java
 * thread pool when OpenCL fails, which this class turns into an {@link IllegalStateException}.
 */
final class DeviceKernel<K extends Kernel> {
    /** A device-array argument of the kernel: the buffer bound to it and the version it holds. */
    final class Slot {
        private final Consumer<float[]> field;
        private OpenClBuffer bound;
        private long version = -1;

        private Slot(Consumer<float[]> field) {
            this.field = field;
        }

        void copyToHost(float[] host) {
            kernel.get(host);
        }
    }

    final K kernel;
    final OpenCLDevice device;
    private final List<Slot> slots = new ArrayList<>();
    private final List<Slot> pendingOutputs = new ArrayList<>();
    private int maxGroupSize;
    private long bytesToDevice;

    DeviceKernel(K kernel, OpenCLDevice device) {
        this.kernel = kernel;
        this.device = device;
        kernel.setExplicit(true);
        LinkedHashSet<Device> only = new LinkedHashSet<>();
        only.add(device);
        KernelManager.instance().setPreferredDevices(kernel, only);
    }

    /**
     * Compiles the kernel by launching it once on its placeholder arguments (all sizes zero, so it
     * writes nothing), checks that launch ran through OpenCL, and reads the kernel's work-group
     * limit. A launch rather than {@code Kernel.compile}: Aparapi 3.0.2 crashes the JVM in
     * {@code dispose()} of a kernel that was compiled but never executed, and ignores {@code put}
     * before a kernel's first OpenCL launch.
     */
    void warmUp() throws BackendUnavailableException {
        try {
            execute(Range.create(device, 1, 1));
            maxGroupSize = Math.min(device.getMaxWorkGroupSize(), kernel.getKernelMaxWorkGroupSize(device));
        } catch (QueryFailedException | RuntimeException e) {
            throw new BackendUnavailableException(
                    name() + " does not run through OpenCL on "
                            + device.getName().trim() + ": " + e.getMessage(),
                    e);
        }
    }

    Slot slot(Consumer<float[]> field) {
        Slot s = new Slot(field);
        slots.add(s);
        return s;
    }

    /** The largest work-group this kernel may use on the device. */
    int maxGroupSize() {
        return maxGroupSize;
    }

    /** Binds {@code buffer} as an input, copying it to the device unless the slot already holds it. */
    void input(Slot slot, OpenClBuffer buffer) {
        if (slot.bound == buffer && slot.version == buffer.version) return;
        buffer.ensureOnHost();
        rebind(slot, buffer);
        kernel.put(buffer.host);
        bytesToDevice += (long) buffer.host.length * Float.BYTES;
        slot.version = buffer.version;
    }

    /** Copies a non-buffer array argument (e.g. positions) to the device. */
    void put(int[] array) {
        kernel.put(array);
        bytesToDevice += (long) array.length * Integer.BYTES;
    }

    /** Bytes this kernel's inputs copied from host to device so far. */
    long bytesToDevice() {
        return bytesToDevice;
    }

    /** Binds {@code buffer} as an input the kernel also writes (a KV cache): copied only when stale, kept on the device after. */
    void inputOutput(Slot slot, OpenClBuffer buffer) {
        input(slot, buffer);
        output(slot, buffer);
    }

    /** Binds {@code buffer} as an output: after the next launch its newest contents are in this slot. */
    void output(Slot slot, OpenClBuffer buffer) {
        if (slot.bound != buffer) rebind(slot, buffer);
        pendingOutputs.add(slot);
    }

    private void rebind(Slot slot, OpenClBuffer buffer) {
        if (slot.bound != null && slot.bound.writer == slot) slot.bound.ensureOnHost();
        slot.field.accept(buffer.host);
        slot.bound = buffer;
        slot.version = -1;
    }

    /** Launches over {@code range} and checks it ran through OpenCL on the device. */
    void execute(Range range) {
        if (!range.isValid())
            throw new IllegalStateException(name() + ": invalid launch range " + range + " for "
                    + device.getName().trim());
        synchronized (kernel.getClass()) { // Aparapi records the device used per kernel class
            try {
                kernel.execute(range);
            } catch (AssertionError e) { // Aparapi's way of refusing a fallback for a device-bound range
                pendingOutputs.clear();
                throw new IllegalStateException(
                        name() + " did not execute through OpenCL on "
                                + device.getName().trim() + ": " + e.getMessage(),
                        e);
            }
            requireRanOnDevice();
        }
        for (Slot s : pendingOutputs) {
            s.bound.version++;
            s.bound.writer = s;
            s.version = s.bound.version;
        }
        pendingOutputs.clear();
    }

    private void requireRanOnDevice() {
        KernelManager manager = KernelManager.instance();
        KernelProfile profile = manager.getProfile(kernel.getClass());
        KernelDeviceProfile last = profile == null ? null : profile.getLastDeviceProfile();
        boolean failed = manager.getPreferences(kernel).getFailedDevices().contains(device);
        if (failed || last == null || last != profile.getDeviceProfile(device)) {
            pendingOutputs.clear();
            throw new IllegalStateException(name() + " did not execute through OpenCL on "
                    + device.getName().trim() + " (Aparapi used " + (last == null ? "no device" : last)
                    + "); results from Aparapi's Java fallback are refused");
        }
    }

    /** Copies buffers whose newest contents only this kernel holds back to the host, then frees the kernel. */
    void dispose() {
        for (Slot s : slots) {
            if (s.bound != null && s.bound.writer == s) s.bound.ensureOnHost();
        }
        kernel.dispose();
    }

    String name() {
        return kernel.getClass().getSimpleName();
    }
}

package io.flexigpt.nn.device;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.MatmulShape;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A model's parameters on one {@link ComputeBackend}: each parameter becomes a {@linkplain
 * ComputeBackend#constant constant} buffer on first use and stays on the device, and a parameter that
 * several modules share (a FlexiGPT source weight) is uploaded once. The copies are a snapshot: later
 * updates of the parameters are not seen.
 */
final class DeviceWeights {
    private final ComputeBackend backend;
    private final Map<Variable, DeviceBuffer> buffers = new IdentityHashMap<>();
    private long floats;

    DeviceWeights(ComputeBackend backend) {
        this.backend = backend;
    }

    ComputeBackend backend() {
        return backend;
    }

    /** The device copy of {@code parameter}'s value. */
    DeviceBuffer of(Variable parameter) {
        return buffers.computeIfAbsent(parameter, p -> {
            floats += p.value().numel();
            return backend.constant(p.value().toFloatArray());
        });
    }

    /** {@code x Wᵀ}: {@code x [rows, in]} times the transpose of {@code weight [out, in]}, as {@code [rows, out]}. */
    DeviceBuffer linear(DeviceBuffer x, int rows, Variable weight) {
        DeviceBuffer y = backend.allocate(rows * weight.dim(0));
        backend.matmul(new MatmulShape(1, rows, weight.dim(0), weight.dim(1), false, true), x, of(weight), y);
        return y;
    }

    /** Floats uploaded so far (shared parameters counted once). */
    long uploadedFloats() {
        return floats;
    }
}

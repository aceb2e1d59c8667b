package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.ComputeBackendProvider;
import java.util.List;

/** Registers {@link OpenClBackend} with {@code io.flexigpt.tensor.backend.Backends} as device {@code opencl}. */
public final class OpenClBackendProvider implements ComputeBackendProvider {
    @Override
    public String device() {
        return "opencl";
    }

    @Override
    public ComputeBackend open() throws BackendUnavailableException {
        return OpenClBackend.open();
    }

    @Override
    public List<String> describeDevices() throws BackendUnavailableException {
        return OpenClDevices.usable().stream()
                .map(d -> OpenClDevices.describe(d).toString())
                .toList();
    }
}

package io.flexigpt.tensor.backend;

/**
 * Service interface through which {@link Backends} finds backends in other modules (listed in
 * {@code META-INF/services/io.flexigpt.tensor.backend.ComputeBackendProvider}).
 */
public interface ComputeBackendProvider {
    /** The device name users select it by, e.g. {@code opencl}. */
    String device();

    /** Opens the backend on the first usable device, or says why there is none. */
    ComputeBackend open() throws BackendUnavailableException;
}

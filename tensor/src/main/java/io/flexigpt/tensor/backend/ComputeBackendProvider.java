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

    /** One line per device the backend can run on (name and limits), or why there is none. */
    java.util.List<String> describeDevices() throws BackendUnavailableException;
}

package io.flexigpt.tensor.backend;

import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chooses a {@link ComputeBackend} by device name: {@code cpu}, or a name served by a {@link
 * ComputeBackendProvider} on the class path ({@code opencl} when module gpu is present). The name
 * comes from the system property {@value #DEVICE_PROPERTY} or from the caller (a {@code --device}
 * flag). When the chosen device is not usable, {@link #select} says so once on stderr and returns the
 * {@link CpuBackend}; {@link #open} instead throws.
 */
public final class Backends {
    /** System property naming the device: {@code cpu} (default) or {@code opencl}. */
    public static final String DEVICE_PROPERTY = "flexigpt.device";
    /** The device name of {@link CpuBackend}. */
    public static final String CPU = "cpu";

    private static final AtomicBoolean FALLBACK_REPORTED = new AtomicBoolean();

    private Backends() {}

    /** The backend named by {@value #DEVICE_PROPERTY}, falling back to cpu as {@link #select} does. */
    public static ComputeBackend fromSystemProperty() {
        return select(System.getProperty(DEVICE_PROPERTY, CPU));
    }

    /**
     * The backend for {@code device}; if that device is not usable, reports why (once per process)
     * and returns a {@link CpuBackend}.
     *
     * @throws IllegalArgumentException for a device name no backend answers to
     */
    public static ComputeBackend select(String device) {
        try {
            return open(device);
        } catch (BackendUnavailableException e) {
            if (!FALLBACK_REPORTED.getAndSet(true)) {
                System.err.println("flexigpt: device '" + device + "' is not usable (" + e.getMessage() + "); running on cpu instead");
            }
            return new CpuBackend();
        }
    }

    /**
     * The backend for {@code device}, without fallback.
     *
     * @throws BackendUnavailableException if the device is known but cannot run here (also when
     *     {@code opencl} is asked for and module gpu is not on the class path)
     * @throws IllegalArgumentException for a device name no backend answers to
     */
    public static ComputeBackend open(String device) throws BackendUnavailableException {
        String name = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (name.equals(CPU)) return new CpuBackend();
        for (ComputeBackendProvider provider : ServiceLoader.load(ComputeBackendProvider.class)) {
            if (provider.device().equals(name)) return provider.open();
        }
        if (name.equals("opencl")) {
            throw new BackendUnavailableException("module flexigpt-gpu, which holds the OpenCL backend, is not on the class path");
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; expected cpu or opencl");
    }
}

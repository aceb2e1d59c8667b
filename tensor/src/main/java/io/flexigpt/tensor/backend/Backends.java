package io.flexigpt.tensor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chooses where inference runs, by device name: {@code cpu} (the tensor kernels of module tensor), or a
 * name served by a {@link ComputeBackendProvider} on the class path ({@code opencl} when module gpu is
 * present). The name comes from the system property {@value #DEVICE_PROPERTY} or from the caller (a
 * {@code --device} flag). {@link #accelerator} falls back to the CPU, saying so once, when the device is
 * not usable; {@link #open} instead throws. {@link CpuBackend}, the plain reference every backend is
 * tested against, is opened only by name through {@link #open}: it is not a fast path.
 */
public final class Backends {
    /** System property naming the device: {@code cpu} (default) or {@code opencl}. */
    public static final String DEVICE_PROPERTY = "flexigpt.device";
    /** The device name of the CPU. */
    public static final String CPU = "cpu";

    private static final AtomicBoolean FALLBACK_REPORTED = new AtomicBoolean();

    private Backends() {}

    /** The device named by {@value #DEVICE_PROPERTY}, {@code cpu} when it is not set. */
    public static String configuredDevice() {
        return System.getProperty(DEVICE_PROPERTY, CPU);
    }

    /**
     * The backend to run on for {@code device}, or empty when the work belongs on the CPU tensor kernels:
     * {@code device} is {@code cpu}, or it is not usable here, which is reported once per process on stderr.
     *
     * @throws IllegalArgumentException for a device name no backend answers to
     */
    public static Optional<ComputeBackend> accelerator(String device) {
        if (normalise(device).equals(CPU)) return Optional.empty();
        try {
            return Optional.of(open(device));
        } catch (BackendUnavailableException e) {
            if (!FALLBACK_REPORTED.getAndSet(true)) {
                System.err.println("flexigpt: device '" + device + "' is not usable (" + e.getMessage()
                        + "); running on cpu instead");
            }
            return Optional.empty();
        }
    }

    /**
     * The backend for {@code device} ({@code cpu} gives the {@link CpuBackend} reference), without fallback.
     *
     * @throws BackendUnavailableException if the device is known but cannot run here (also when
     *     {@code opencl} is asked for and module gpu is not on the class path)
     * @throws IllegalArgumentException for a device name no backend answers to
     */
    public static ComputeBackend open(String device) throws BackendUnavailableException {
        String name = normalise(device);
        if (name.equals(CPU)) return new CpuBackend();
        return provider(name).open();
    }

    /**
     * One line per device of every backend: {@code cpu} with its kernel threads, then each device a
     * provider can run on with its limits, or why it has none.
     */
    public static List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("cpu: tensor kernels on " + io.flexigpt.tensor.Parallelism.threads() + " threads");
        for (ComputeBackendProvider provider : ServiceLoader.load(ComputeBackendProvider.class)) {
            try {
                for (String d : provider.describeDevices()) lines.add(provider.device() + ": " + d);
            } catch (BackendUnavailableException e) {
                lines.add(provider.device() + ": not usable (" + e.getMessage() + ")");
            }
        }
        return lines;
    }

    private static ComputeBackendProvider provider(String name) throws BackendUnavailableException {
        for (ComputeBackendProvider provider : ServiceLoader.load(ComputeBackendProvider.class)) {
            if (provider.device().equals(name)) return provider;
        }
        if (name.equals("opencl")) {
            throw new BackendUnavailableException(
                    "module flexigpt-gpu, which holds the OpenCL backend, is not on the class path");
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; expected cpu or opencl");
    }

    private static String normalise(String device) {
        return device.trim().toLowerCase(Locale.ROOT);
    }
}

package io.flexigpt.gpu;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/** The OpenCL devices Aparapi can see on this machine, GPUs first. */
public final class OpenClDevices {
    /**
     * Aparapi's logger, held so its filter stays: its class reader warns about every {@code MethodParameters}
     * attribute javac writes, which is harmless; every other message passes.
     */
    private static final Logger APARAPI = Logger.getLogger(com.aparapi.Config.getLoggerName());

    static {
        APARAPI.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Found unexpected Attribute"));
    }

    private OpenClDevices() {}

    /** Every visible device; empty when there is no OpenCL driver ({@code Backends.describe()} says why). */
    public static List<OpenClDeviceInfo> list() {
        try {
            return usable().stream().map(OpenClDevices::describe).toList();
        } catch (BackendUnavailableException e) {
            return List.of();
        }
    }

    static List<OpenCLDevice> usable() throws BackendUnavailableException {
        List<OpenCLDevice> devices;
        try {
            devices = new ArrayList<>(OpenCLDevice.listDevices(null));
        } catch (LinkageError | RuntimeException e) {
            throw new BackendUnavailableException("the OpenCL runtime could not be loaded: " + e, e);
        }
        if (devices.isEmpty()) {
            throw new BackendUnavailableException(
                    "no OpenCL device found (is an ICD such as pocl-opencl-icd installed?)");
        }
        devices.sort(Comparator.comparing((OpenCLDevice d) -> d.getType() != Device.TYPE.GPU));
        return devices;
    }

    static OpenClDeviceInfo describe(OpenCLDevice d) {
        return new OpenClDeviceInfo(
                d.getName().trim(),
                String.valueOf(d.getType()),
                d.getMaxComputeUnits(),
                d.getLocalMemSize(),
                d.getMaxWorkGroupSize(),
                d.getGlobalMemSize());
    }
}

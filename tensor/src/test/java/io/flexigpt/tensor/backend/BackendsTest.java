package io.flexigpt.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Device selection in module tensor, where no OpenCL backend is on the class path. */
class BackendsTest {
    @Test
    void cpuIsSelectedByNameInAnyCaseAndMeansTheTensorKernels() throws Exception {
        assertInstanceOf(CpuBackend.class, Backends.open(" CPU "));
        assertTrue(Backends.accelerator("Cpu").isEmpty());
        assertTrue(
                Backends.describe().get(0).startsWith("cpu: tensor kernels on "),
                Backends.describe().toString());
    }

    @Test
    void theSystemPropertyNamesTheDevice() {
        String before = System.getProperty(Backends.DEVICE_PROPERTY);
        try {
            System.clearProperty(Backends.DEVICE_PROPERTY);
            assertEquals("cpu", Backends.configuredDevice());
            System.setProperty(Backends.DEVICE_PROPERTY, "tpu");
            assertThrows(IllegalArgumentException.class, () -> Backends.accelerator(Backends.configuredDevice()));
        } finally {
            if (before == null) System.clearProperty(Backends.DEVICE_PROPERTY);
            else System.setProperty(Backends.DEVICE_PROPERTY, before);
        }
    }

    @Test
    void openClWithoutModuleGpuIsUnavailableStrictlyAndFallsBackToCpuWithOneMessage() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.open("opencl"));
        assertTrue(e.getMessage().contains("flexigpt-gpu"), e.getMessage());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertTrue(Backends.accelerator("opencl").isEmpty());
            assertTrue(Backends.accelerator("opencl").isEmpty());
        } finally {
            System.setErr(err);
        }
        String said = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.split("not usable", -1).length - 1, said);
        assertTrue(said.contains("running on cpu"), said);
    }

    @Test
    void unknownDevicesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.accelerator("cuda"));
        assertTrue(e.getMessage().contains("cpu or opencl"), e.getMessage());
    }
}

package io.flexigpt.integration;

import static org.junit.jupiter.api.Assertions.fail;

import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.Backends;
import io.flexigpt.tensor.backend.ComputeBackend;
import org.junit.jupiter.api.Assumptions;

/** Opens the OpenCL backend for a test: without a usable device the test is skipped, except under {@code CI=true}, where it fails. */
final class OpenClForTests {
    private OpenClForTests() {}

    static ComputeBackend open() {
        try {
            return Backends.open("opencl");
        } catch (BackendUnavailableException e) {
            if ("true".equals(System.getenv("CI"))) fail("no usable OpenCL device under CI: " + e.getMessage());
            Assumptions.abort("no OpenCL device: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}

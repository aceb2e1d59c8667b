package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.ComputeBackendContract;

/**
 * The OpenCL backend meets the {@link ComputeBackendContract} on random shapes, including sizes that are
 * not multiples of the matmul tile. Without a usable device the tests are skipped (failed under CI).
 */
class OpenClBackendContractTest extends ComputeBackendContract {
    @Override
    protected ComputeBackend backend() {
        return OpenClTestSupport.backend();
    }

    /** The kernel forms the angle {@code p·theta^(-2i/d)} in float: about 1e-4 absolute error at positions near 1024. */
    @Override
    protected double ropeTolerance() {
        return 5e-4;
    }
}

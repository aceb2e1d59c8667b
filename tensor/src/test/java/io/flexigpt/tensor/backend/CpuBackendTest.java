package io.flexigpt.tensor.backend;

/** The reference backend meets the {@link ComputeBackendContract}. */
class CpuBackendTest extends ComputeBackendContract {
    private final CpuBackend cpu = new CpuBackend();

    @Override
    protected ComputeBackend backend() {
        return cpu;
    }
}

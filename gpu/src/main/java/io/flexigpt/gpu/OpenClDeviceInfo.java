package io.flexigpt.gpu;

/** What an OpenCL device reports about itself: the limits the kernels size their work-groups by. */
public record OpenClDeviceInfo(
        String name,
        String type,
        int computeUnits,
        long localMemoryBytes,
        int maxWorkGroupSize,
        long globalMemoryBytes) {
    @Override
    public String toString() {
        return name + " (" + type + ", " + computeUnits + " compute units, " + localMemoryBytes / 1024
                + " KiB local memory, max work-group " + maxWorkGroupSize + ", " + globalMemoryBytes / (1024 * 1024)
                + " MiB global memory)";
    }
}

package io.flexigpt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Heap measurements for the memory runners: bytes allocated by all threads, and the heap pools' peak in use. */
final class HeapProbe {
    private HeapProbe() {}

    static long allocatedBytes(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) total += Math.max(0, b);
        return total;
    }

    /** Resets the heap pools' peaks and returns the heap in use now. */
    static long resetPeaks() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) continue;
            pool.resetPeakUsage();
            used += pool.getUsage().getUsed();
        }
        return used;
    }

    /** The sum of the heap pools' peaks since the last {@link #resetPeaks}. */
    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        return peak;
    }
}

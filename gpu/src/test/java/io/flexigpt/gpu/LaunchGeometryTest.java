package io.flexigpt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Work-group sizes and matmul tiles follow the device limits they are given (no device needed). */
class LaunchGeometryTest {
    @Property
    void groupSizeIsThePowerOfTwoThatFitsTheDeviceAndSpreadsTheWork(@ForAll @IntRange(min = 1, max = 5_000_000) int items,
                                                                   @ForAll @IntRange(min = 1, max = 4096) int maxGroup,
                                                                   @ForAll @IntRange(min = 1, max = 128) int computeUnits) {
        int g = LaunchGeometry.groupSize(items, maxGroup, computeUnits);
        assertEquals(1, Integer.bitCount(g));
        assertTrue(g <= maxGroup);
        int perUnit = (items + computeUnits - 1) / computeUnits;
        assertTrue(g == 1 || g <= perUnit, g + " items per group leave compute units idle");
        assertTrue(2 * g > maxGroup || 2 * g > perUnit, g + " could double");
        assertEquals(0, LaunchGeometry.roundUp(items, g) % g);
        assertTrue(LaunchGeometry.roundUp(items, g) - items < g);
    }

    @Property
    void matmulTileIsTheLargestThatFitsWorkGroupAndLocalMemory(@ForAll @IntRange(min = 8, max = 4096) int maxGroup,
                                                              @ForAll @LongRange(min = 512, max = 1 << 20) long localMemory,
                                                              @ForAll @IntRange(min = 3, max = 7) int maxTileLog2) {
        int per = MatmulKernel.OUTPUTS_PER_ITEM, min = MatmulKernel.MIN_TILE, maxTile = 1 << maxTileLog2;
        int t = LaunchGeometry.matmulTile(maxGroup, per, min, localMemory, maxTile);
        assertEquals(1, Integer.bitCount(t));
        assertTrue(t >= min && t <= Math.max(min, maxTile));
        if (t > min) assertTrue((long) t * t / per <= maxGroup && 2L * t * t * Float.BYTES <= localMemory, "tile " + t + " exceeds a limit");
        int d = 2 * t;
        assertTrue(d > maxTile || (long) d * d / per > maxGroup || 2L * d * d * Float.BYTES > localMemory, "tile " + d + " would also fit");
    }
}

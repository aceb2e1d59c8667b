package io.flexigpt.gpu;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.*;

import org.junit.jupiter.api.Test;

/** Work-group sizes and matmul tiles follow the device limits they are given (no device needed). */
class LaunchGeometryTest {
    @Test
    void groupSizeIsThePowerOfTwoThatFitsTheDeviceAndSpreadsTheWork() {
        qt(1000).forAll(
                        integers().between(1, 5_000_000),
                        integers().between(1, 4096),
                        integers().between(1, 128))
                .checkAssert((items, maxGroup, computeUnits) -> {
                    int g = LaunchGeometry.groupSize(items, maxGroup, computeUnits);
                    assertEquals(1, Integer.bitCount(g));
                    assertTrue(g <= maxGroup);
                    int perUnit = (items + computeUnits - 1) / computeUnits;
                    assertTrue(g == 1 || g <= perUnit, g + " items per group leave compute units idle");
                    assertTrue(2 * g > maxGroup || 2 * g > perUnit, g + " could double");
                    assertEquals(0, LaunchGeometry.roundUp(items, g) % g);
                    assertTrue(LaunchGeometry.roundUp(items, g) - items < g);
                });
    }

    @Test
    void matmulTileIsTheLargestThatFitsWorkGroupAndLocalMemory() {
        qt(1000).forAll(
                        integers().between(8, 4096),
                        longs().between(512, 1 << 20),
                        integers().between(3, 7))
                .checkAssert((maxGroup, localMemory, maxTileLog2) -> {
                    int per = MatmulKernel.OUTPUTS_PER_ITEM, min = MatmulKernel.MIN_TILE, maxTile = 1 << maxTileLog2;
                    int t = LaunchGeometry.matmulTile(maxGroup, per, min, localMemory, maxTile);
                    assertEquals(1, Integer.bitCount(t));
                    assertTrue(t >= min && t <= Math.max(min, maxTile));
                    if (t > min)
                        assertTrue(
                                (long) t * t / per <= maxGroup && 2L * t * t * Float.BYTES <= localMemory,
                                "tile " + t + " exceeds a limit");
                    int d = 2 * t;
                    assertTrue(
                            d > maxTile || (long) d * d / per > maxGroup || 2L * d * d * Float.BYTES > localMemory,
                            "tile " + d + " would also fit");
                });
    }
}

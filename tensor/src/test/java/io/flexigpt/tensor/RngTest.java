package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngTest {

    @Test
    void sameSeedSameSequenceAndRestoreContinuesExactly() {
        qt(50).forAll(longs().all(), integers().between(0, 50)).checkAssert((seed, skip) -> {
            Rng a = new Rng(seed), b = new Rng(seed);
            for (int i = 0; i < skip; i++) {
                assertEquals(a.nextLong(), b.nextLong());
                a.nextGaussian();
                b.nextGaussian();
            }
            Rng c = Rng.restore(a.state());
            assertArrayEquals(
                    a.normal(0, 1, 17).toFloatArray(), c.normal(0, 1, 17).toFloatArray());
            assertEquals(a.nextInt(1000), c.nextInt(1000));
            assertNotEquals(new Rng(seed).nextLong(), new Rng(seed + 1).nextLong());
            assertNotEquals(a.fork(1).nextLong(), a.fork(2).nextLong());
        });
    }

    @Test
    void momentsAreWithinSixSigma() {
        int n = 200_000;
        double[] u = new Rng(7).uniform(-1, 3, n).toDoubleArray();
        double[] g = new Rng(8).normal(2, 0.5f, n).toDoubleArray();
        assertEquals(1.0, Arrays.stream(u).average().orElseThrow(), 6 * Math.sqrt(16.0 / 12 / n));
        double mean = Arrays.stream(g).average().orElseThrow();
        double var = Arrays.stream(g).map(x -> (x - mean) * (x - mean)).sum() / n;
        assertEquals(2.0, mean, 6 * 0.5 / Math.sqrt(n));
        assertEquals(0.25, var, 6 * 0.25 * Math.sqrt(2.0 / n));
        for (double x : new Rng(9).truncatedNormal(0, 1, -0.5f, 2f, 10_000).toDoubleArray())
            assertTrue(x >= -0.5 && x <= 2);
        int[] counts = new int[7];
        Rng r = new Rng(10);
        for (int i = 0; i < 70_000; i++) counts[r.nextInt(7)]++;
        for (int c : counts) assertEquals(10_000, c, 6 * Math.sqrt(10_000));
        int[] p = new Rng(11).permutation(50);
        assertArrayEquals(
                java.util.stream.IntStream.range(0, 50).toArray(),
                Arrays.stream(p).sorted().toArray());
    }
}

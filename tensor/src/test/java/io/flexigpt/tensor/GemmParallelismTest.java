package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Parallelism}, the pool that {@link Gemm} and the other kernels split their work on. */
class GemmParallelismTest {

    @Test
    void chunksCoverEveryIndexOnceAndRespectTheGrain() {
        qt(150).forAll(
                        integers().between(0, 5000),
                        integers().between(1, 700),
                        integers().between(1, 4))
                .checkAssert((n, grain, threads) -> {
                    int saved = Parallelism.threads();
                    try {
                        Parallelism.setThreads(threads);
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        ConcurrentLinkedQueue<int[]> chunks = new ConcurrentLinkedQueue<>();
                        Parallelism.forChunks(n, grain, (s, e) -> {
                            chunks.add(new int[] {s, e});
                            for (int i = s; i < e; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i);
                        assertTrue(chunks.size() <= threads, chunks.size() + " chunks");
                        if (chunks.size() > 1)
                            for (int[] c : chunks) assertTrue(c[1] - c[0] >= grain, "chunk smaller than the grain");
                    } finally {
                        Parallelism.setThreads(saved);
                    }
                });
    }

    @Test
    void failureInAWorkerChunkReachesTheCaller() {
        int saved = Parallelism.threads();
        try {
            Parallelism.setThreads(2);
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> Parallelism.forRange(2, i -> {
                        if (i == 1) throw new IllegalStateException("chunk 1 failed");
                    }));
            assertEquals("chunk 1 failed", e.getMessage());
            int[] after = new int[2];
            Parallelism.forRange(2, i -> after[i] = i + 1);
            assertArrayEquals(new int[] {1, 2}, after);
        } finally {
            Parallelism.setThreads(saved);
        }
    }

    @Test
    void nestedAndConcurrentLoopsComplete() throws InterruptedException {
        int saved = Parallelism.threads();
        try {
            Parallelism.setThreads(2);
            List<Thread> callers = new ArrayList<>();
            AtomicIntegerArray sums = new AtomicIntegerArray(4);
            for (int t = 0; t < 4; t++) {
                int slot = t;
                Thread th = new Thread(() -> {
                    for (int rep = 0; rep < 200; rep++) {
                        Parallelism.forRange(
                                4, i -> Parallelism.forChunks(10, 1, (s, e) -> sums.addAndGet(slot, e - s)));
                    }
                });
                callers.add(th);
                th.start();
            }
            for (Thread th : callers) th.join(60_000);
            for (int t = 0; t < 4; t++) assertEquals(200 * 4 * 10, sums.get(t));
        } finally {
            Parallelism.setThreads(saved);
        }
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Parallelism.forChunks(10, 0, (s, e) -> {}));
    }
}

package io.flexigpt.bench;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times one forward + backward of {@link Functions#causalAttention} at the SmolLM2-135M head shape
 * (9 query heads, 3 kv heads, head dim 64, batch 1) for each sequence length given, and reports the
 * bytes allocated per call (all threads, garbage included) and the peak heap in use during the calls.
 * Only {@link Functions#causalAttention} is called, so the same runner measures any version of it: run it
 * with one version's classes, then another's, back to back.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx8g -cp <tensor, autograd and bench classes>
 * io.flexigpt.bench.AttentionMemoryRunner [reps] [T...]} (defaults: 3 repetitions, T = 1024 4096).
 */
public final class AttentionMemoryRunner {
    private AttentionMemoryRunner() {}

    static final int HEADS = 9, KV_HEADS = 3, HEAD_DIM = 64;

    /** Untimed calls before the timed ones, so the compiler has seen the code. */
    static final int WARMUP_CALLS = 3;

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int[] lengths = {1024, 4096};
        if (args.length > 1) {
            lengths = new int[args.length - 1];
            for (int i = 1; i < args.length; i++) lengths[i - 1] = Integer.parseInt(args[i]);
        }
        System.out.printf(
                Locale.ROOT,
                "threads %d, max heap %d MB%n",
                Parallelism.threads(),
                Runtime.getRuntime().maxMemory() >> 20);
        for (int t : lengths) run(t, reps);
    }

    private static void run(int time, int reps) {
        Rng rng = new Rng(7);
        Tensor q = rng.normal(0, 1, 1, HEADS, time, HEAD_DIM),
                k = rng.normal(0, 1, 1, KV_HEADS, time, HEAD_DIM),
                v = rng.normal(0, 1, 1, KV_HEADS, time, HEAD_DIM);
        Tensor seed = rng.normal(0, 1, 1, HEADS, time, HEAD_DIM);
        for (int w = 0; w < WARMUP_CALLS; w++) step(q, k, v, seed);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double bestMs = Double.MAX_VALUE;
        long allocated = Long.MAX_VALUE, peak = 0;
        for (int r = 0; r < reps; r++) {
            System.gc();
            long heapBefore = HeapProbe.resetPeaks();
            long before = HeapProbe.allocatedBytes(threads);
            long start = System.nanoTime();
            step(q, k, v, seed);
            double ms = (System.nanoTime() - start) / 1e6;
            allocated = Math.min(allocated, HeapProbe.allocatedBytes(threads) - before);
            peak = Math.max(peak, HeapProbe.peakHeap() - heapBefore);
            bestMs = Math.min(bestMs, ms);
        }
        System.out.printf(
                Locale.ROOT,
                "T=%d heads=%d kvHeads=%d headDim=%d: forward+backward best of %d %.1f ms, allocated %.1f MB per call, peak heap above baseline %.1f MB%n",
                time,
                HEADS,
                KV_HEADS,
                HEAD_DIM,
                reps,
                bestMs,
                allocated / 1e6,
                peak / 1e6);
    }

    private static double step(Tensor q, Tensor k, Tensor v, Tensor seed) {
        Variable qv = Variable.parameter(q), kv = Variable.parameter(k), vv = Variable.parameter(v);
        Variable out = Functions.causalAttention(qv, kv, vv, 0);
        out.backward(seed);
        return qv.grad().get(0, 0, 0, 0) + kv.grad().get(0, 0, 0, 0) + vv.grad().get(0, 0, 0, 0);
    }
}

package io.flexigpt.bench;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times forward + backward of the recovery loss {@code KL(teacher || student) + cross-entropy} on
 * {@code rows × vocab} logits (default 1024 × 49,152: a batch of SmolLM2-135M recovery) as recovery
 * computes it: the fused {@code Functions.distillation} where the version on the class path has it,
 * else {@link Functions#klDivergence} + {@link Functions#crossEntropy}; it reports the bytes
 * allocated per call (all threads) and the peak heap above what the inputs already hold. Like
 * {@link AttentionMemoryRunner}, it measures whichever version of the functions is on the class path.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx8g -cp <tensor, autograd and bench classes>
 * io.flexigpt.bench.LossHeadMemoryRunner [reps] [rows] [vocab]}.
 */
public final class LossHeadMemoryRunner {
    private LossHeadMemoryRunner() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 49152;
        Rng rng = new Rng(3);
        Tensor student = rng.normal(0, 2, rows, vocab), teacher = rng.normal(0, 2, rows, vocab);
        int[] targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = (int) ((i * 7919L) % vocab);
        for (int w = 0; w < 2; w++) step(student, teacher, targets);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        long allocated = Long.MAX_VALUE, peak = 0;
        for (int r = 0; r < reps; r++) {
            System.gc();
            long base = HeapProbe.resetPeaks(), before = HeapProbe.allocatedBytes(threads), start = System.nanoTime();
            step(student, teacher, targets);
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
            allocated = Math.min(allocated, HeapProbe.allocatedBytes(threads) - before);
            peak = Math.max(peak, HeapProbe.peakHeap() - base);
        }
        System.out.printf(
                Locale.ROOT,
                "threads %d, logits %d x %d (%.0f MB each): %s forward+backward best of %d %.1f ms, allocated %.1f MB per call, peak heap above baseline %.1f MB%n",
                Parallelism.threads(),
                rows,
                vocab,
                4.0 * rows * vocab / 1e6,
                FUSED == null ? "KL + CE" : "fused KL + CE",
                reps,
                best,
                allocated / 1e6,
                peak / 1e6);
    }

    /** {@code Functions.distillation} where this version has it (the fused head), else the two separate heads. */
    private static final java.lang.reflect.Method FUSED = fused();

    private static java.lang.reflect.Method fused() {
        try {
            return Functions.class.getMethod(
                    "distillation", Variable.class, Tensor.class, int[].class, double.class, double.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static double step(Tensor student, Tensor teacher, int[] targets) {
        Variable s = Variable.parameter(student);
        Variable loss;
        if (FUSED == null) {
            loss = Functions.klDivergence(s, teacher).add(Functions.crossEntropy(s, targets));
        } else {
            try {
                loss = (Variable) FUSED.invoke(null, s, teacher, targets, 1.0, 1.0);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        loss.backward();
        return loss.value().item() + s.grad().get(0, 0);
    }
}

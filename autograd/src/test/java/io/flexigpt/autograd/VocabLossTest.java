package io.flexigpt.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chunked loss heads (cross-entropy, KL to a teacher, and both fused) against finite differences
 * and against a naive reference (log-softmax of whole rows, in double), with chunks of one row, of a
 * number of rows that does not divide the batch, and of the whole batch; ignored targets included.
 */
class VocabLossTest {

    static Tensor rand(long seed, double scale, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 4 - 2) * scale);
        return Tensor.of(v, shape);
    }

    static int[] targets(long seed, int n, int vocab) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(4) == 0 ? Functions.IGNORE_INDEX : r.nextInt(vocab);
        return t;
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryChunking() {
        int rows = 5, vocab = 6;
        int[] chunks = {1, 2 * vocab, 3 * vocab, 1 << 20};
        long seed = 1;
        for (int chunk : chunks) {
            Tensor teacher = rand(seed++, 2, rows, vocab).to(DType.F64);
            int[] ts = targets(seed++, rows, vocab);
            Tensor logits = rand(seed++, 1, rows, vocab);
            assertPasses(
                    GradientCheck.check(v -> VocabLoss.apply(v[0], null, ts, 0, 1, chunk), logits),
                    "cross-entropy, chunk " + chunk);
            assertPasses(
                    GradientCheck.check(v -> VocabLoss.apply(v[0], teacher, null, 1, 0, chunk), logits),
                    "KL, chunk " + chunk);
            assertPasses(
                    GradientCheck.check(v -> VocabLoss.apply(v[0], teacher, ts, 0.7, 0.3, chunk), logits),
                    "KL + CE, chunk " + chunk);
        }
    }

    @Test
    void fp32LossAndGradientMatchTheNaiveReference() {
        int rows = 37, vocab = 1000;
        int[] chunks = {1, 3 * vocab, 1 << 20};
        long seed = 50;
        for (int chunk : chunks) {
            Tensor logits = rand(seed++, 4, rows, vocab), teacher = rand(seed++, 4, rows, vocab);
            int[] ts = targets(seed++, rows, vocab);
            double[][] weights = {{0, 1}, {1, 0}, {0.5, 0.25}};
            for (double[] w : weights) {
                Naive ref = Naive.of(logits, teacher, ts, w[0], w[1]);
                Variable x = Variable.parameter(logits);
                Variable loss = VocabLoss.apply(x, teacher, ts, w[0], w[1], chunk);
                loss.backward();
                String where = "chunk " + chunk + ", weights KL " + w[0] + " CE " + w[1];
                assertEquals(ref.loss, loss.value().item(), 1e-5 * (1 + Math.abs(ref.loss)), where + " loss");
                double[] g = x.grad().toDoubleArray();
                for (int i = 0; i < g.length; i++)
                    assertEquals(ref.grad[i], g[i], 1e-7 + 1e-5 * Math.abs(ref.grad[i]), where + " gradient " + i);
            }
        }
    }

    @Test
    void publicFunctionsAreTheChunkedHeads() {
        int rows = 9, vocab = 50;
        Tensor logits = rand(3, 3, rows, vocab), teacher = rand(4, 3, rows, vocab);
        int[] ts = targets(5, rows, vocab);
        assertEquals(
                Naive.of(logits, teacher, ts, 0, 1).loss,
                Functions.crossEntropy(Variable.constant(logits), ts).value().item(),
                1e-5);
        assertEquals(
                Naive.of(logits, teacher, ts, 1, 0).loss,
                Functions.klDivergence(Variable.constant(logits), teacher)
                        .value()
                        .item(),
                1e-5);
        assertEquals(
                Naive.of(logits, teacher, ts, 2, 3).loss,
                Functions.distillation(Variable.constant(logits), teacher, ts, 2, 3)
                        .value()
                        .item(),
                1e-4);
    }

    @Test
    void everyTargetIgnoredGivesZeroLossAndGradient() {
        int[] ignored = {Functions.IGNORE_INDEX, Functions.IGNORE_INDEX};
        Variable x = Variable.parameter(rand(1, 1, 2, 4));
        Variable loss = Functions.crossEntropy(x, ignored);
        loss.backward();
        assertEquals(0, loss.value().item());
        assertArrayEquals(new float[8], x.grad().toFloatArray());
    }

    @Test
    void badTargetsAndShapesAreRefused() {
        Variable x = Variable.parameter(rand(1, 1, 2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> Functions.crossEntropy(x, new int[] {0, 4}));
        assertThrows(ShapeException.class, () -> Functions.crossEntropy(x, new int[] {0}));
        assertThrows(ShapeException.class, () -> Functions.klDivergence(x, rand(2, 1, 2, 5)));
        assertThrows(ShapeException.class, () -> Functions.distillation(x, rand(2, 1, 2, 4), null, 1, 1));
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        Tensor logits = rand(7, 4, 64, 3000), teacher = rand(8, 4, 64, 3000);
        int[] ts = targets(9, 64, 3000);
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            Variable a = Variable.parameter(logits);
            Variable la = Functions.distillation(a, teacher, ts, 1, 0.5);
            la.backward();
            Parallelism.setThreads(3);
            Variable b = Variable.parameter(logits);
            Variable lb = Functions.distillation(b, teacher, ts, 1, 0.5);
            lb.backward();
            assertEquals(la.value().item(), lb.value().item());
            assertArrayEquals(a.grad().toFloatArray(), b.grad().toFloatArray());
        } finally {
            Parallelism.setThreads(before);
        }
    }

    /**
     * KL over 256 rows of a 16,384-token vocabulary: each [n, vocab] tensor is 16 MB. The student's
     * logits, the teacher's and the gradient fit in a 96 MB heap with the row chunks; computing whole
     * log-softmax, probability and product tensors (5 more) would not.
     */
    @Test
    void largeVocabulariesRunInAHeapOfAFewLogitTensors() throws Exception {
        String launcher =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        launcher,
                        "-Xmx96m",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LargeVocabulary.class.getName(),
                        "256",
                        "16384")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("finite KL and gradient"), output);
    }

    /** KL forward and backward for {@code rows × vocab} random logits. */
    static final class LargeVocabulary {
        public static void main(String[] args) {
            int rows = Integer.parseInt(args[0]), vocab = Integer.parseInt(args[1]);
            Variable student = Variable.parameter(rand(1, 4, rows, vocab));
            Variable loss = Functions.klDivergence(student, rand(2, 4, rows, vocab));
            loss.backward();
            double kl = loss.value().item(), sum = student.grad().sum();
            if (!(kl > 0) || !Double.isFinite(kl) || !Double.isFinite(sum))
                throw new AssertionError("KL " + kl + ", gradient sum " + sum);
            System.out.println("finite KL and gradient: " + loss.value().item());
        }
    }

    private static void assertPasses(GradientCheck.Result r, String what) {
        assertTrue(r.passes(GradientCheck.DEFAULT_TOLERANCE), what + ": " + r);
    }

    /** Whole-row log-softmax in double: the loss and its gradient. */
    record Naive(double loss, double[] grad) {
        static Naive of(Tensor logits, Tensor teacher, int[] targets, double klWeight, double ceWeight) {
            int n = logits.dim(0), vocab = logits.dim(1);
            double[] s = logits.toDoubleArray(), t = teacher.toDoubleArray(), grad = new double[n * vocab];
            int valid = 0;
            for (int target : targets) if (target != Functions.IGNORE_INDEX) valid++;
            double kl = 0, ce = 0;
            for (int i = 0; i < n; i++) {
                double[] ls = logSoftmax(s, i * vocab, vocab), lt = logSoftmax(t, i * vocab, vocab);
                for (int j = 0; j < vocab; j++) {
                    double ps = Math.exp(ls[j]), pt = Math.exp(lt[j]);
                    kl += pt * (lt[j] - ls[j]);
                    grad[i * vocab + j] += klWeight / n * (ps - pt);
                    if (targets[i] != Functions.IGNORE_INDEX)
                        grad[i * vocab + j] += ceWeight / valid * (ps - (j == targets[i] ? 1 : 0));
                }
                if (targets[i] != Functions.IGNORE_INDEX) ce -= ls[targets[i]];
            }
            return new Naive(klWeight * kl / n + (valid == 0 ? 0 : ceWeight * ce / valid), grad);
        }

        private static double[] logSoftmax(double[] x, int at, int n) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < n; j++) max = Math.max(max, x[at + j]);
            for (int j = 0; j < n; j++) sum += Math.exp(x[at + j] - max);
            double[] out = new double[n];
            for (int j = 0; j < n; j++) out[j] = x[at + j] - max - Math.log(sum);
            return out;
        }
    }
}

package io.flexigpt.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Blockwise causal attention against finite differences and against a naive dense reference (scores,
 * softmax, product, and the textbook backward, in double), for sequence lengths that are not multiples
 * of the blocks, blocks smaller and larger than the sequence, grouped-query heads and query offsets;
 * plus determinism across thread counts and a run at T = 4096 in a heap smaller than one score matrix.
 */
class BlockAttentionTest {

    /** {@code q, k, v} for the given shape; keys = offset + time. */
    static Tensor[] inputs(long seed, int batch, int kvHeads, int group, int time, int offset, int headDim) {
        int keys = offset + time;
        return new Tensor[] {
            TensorGens.random(seed, batch, kvHeads * group, time, headDim),
            TensorGens.random(seed + 1, batch, kvHeads, keys, headDim),
            TensorGens.random(seed + 2, batch, kvHeads, keys, headDim)
        };
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryBlockShape() {
        int[][] blocks = {{1, 1}, {2, 3}, {3, 2}, {4, 4}, {64, 128}};
        int[][] shapes = {{1, 1, 1, 5, 0, 3}, {2, 2, 2, 7, 0, 2}, {1, 2, 3, 5, 3, 2}, {1, 1, 2, 1, 4, 3}};
        long seed = 11;
        for (int[] s : shapes) {
            for (int[] b : blocks) {
                Tensor[] in = inputs(seed++, s[0], s[1], s[2], s[3], s[4], s[5]);
                Tensor weights =
                        TensorGens.random(seed++, s[0], s[1] * s[2], s[3], s[5]).to(DType.F64);
                int offset = s[4];
                GradientCheck.Result r = GradientCheck.check(
                        v -> BlockAttention.apply(v[0], v[1], v[2], offset, b[0], b[1])
                                .mul(Variable.constant(weights))
                                .sum(),
                        in);
                assertTrue(
                        r.passes(GradientCheck.DEFAULT_TOLERANCE),
                        "blocks " + b[0] + "x" + b[1] + " shape " + java.util.Arrays.toString(s) + ": " + r);
            }
        }
    }

    @Test
    void fp32ForwardAndBackwardMatchTheDenseReference() {
        int[][] blocks = {{16, 8}, {5, 7}, {BlockAttention.QUERY_BLOCK, BlockAttention.KEY_BLOCK}, {200, 300}};
        int[][] shapes = {{1, 3, 3, 37, 0, 16}, {2, 2, 2, 70, 5, 8}, {1, 1, 4, 90, 0, 32}, {1, 2, 1, 1, 9, 8}};
        long seed = 101;
        for (int[] s : shapes) {
            for (int[] b : blocks) {
                Tensor[] in = inputs(seed++, s[0], s[1], s[2], s[3], s[4], s[5]);
                Tensor dOut = TensorGens.random(seed++, s[0], s[1] * s[2], s[3], s[5]);
                Dense ref = Dense.of(in[0], in[1], in[2], s[4], dOut);
                Variable q = Variable.parameter(in[0]), k = Variable.parameter(in[1]), v = Variable.parameter(in[2]);
                Variable out = BlockAttention.apply(q, k, v, s[4], b[0], b[1]);
                out.backward(dOut);
                String where = "blocks " + b[0] + "x" + b[1] + " shape " + java.util.Arrays.toString(s);
                assertClose(ref.out, out.value().toDoubleArray(), where + " output");
                assertClose(ref.dq, q.grad().toDoubleArray(), where + " dq");
                assertClose(ref.dk, k.grad().toDoubleArray(), where + " dk");
                assertClose(ref.dv, v.grad().toDoubleArray(), where + " dv");
            }
        }
    }

    @Test
    void publicFunctionIsTheBlockwiseOne() {
        Tensor[] in = inputs(5, 1, 2, 2, 130, 0, 8);
        Variable out = Functions.causalAttention(
                Variable.constant(in[0]), Variable.constant(in[1]), Variable.constant(in[2]), 0);
        assertClose(Dense.of(in[0], in[1], in[2], 0, null).out, out.value().toDoubleArray(), "causalAttention");
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        Tensor[] in = inputs(3, 1, 3, 3, 300, 0, 16);
        Tensor dOut = TensorGens.random(4, 1, 9, 300, 16);
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            Tensor[] one = forwardBackward(in, dOut);
            Parallelism.setThreads(3);
            Tensor[] three = forwardBackward(in, dOut);
            for (int i = 0; i < one.length; i++)
                assertArrayEquals(one[i].toFloatArray(), three[i].toFloatArray(), "result " + i);
        } finally {
            Parallelism.setThreads(before);
        }
    }

    /**
     * At T = 4096 one [heads, T, T] fp32 score tensor is 134 MB (one head's alone 67 MB): forward and
     * backward run in a JVM whose whole heap is 32 MB.
     */
    @Test
    void longSequencesRunInAHeapSmallerThanOneScoreMatrix() throws Exception {
        String launcher =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        launcher,
                        "-Xmx32m",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LongSequence.class.getName(),
                        "4096")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("finite gradients"), output);
    }

    /** Forward and backward at the given length with 2 query heads, 1 kv head, head dim 8. */
    static final class LongSequence {
        public static void main(String[] args) {
            int time = Integer.parseInt(args[0]);
            Tensor[] r = forwardBackward(inputs(9, 1, 1, 2, time, 0, 8), TensorGens.random(10, 1, 2, time, 8));
            for (Tensor t : r) {
                for (float x : t.toFloatArray()) if (!Float.isFinite(x)) throw new AssertionError("non-finite result");
            }
            System.out.println("finite gradients at T=" + time);
        }
    }

    private static Tensor[] forwardBackward(Tensor[] in, Tensor dOut) {
        Variable q = Variable.parameter(in[0]), k = Variable.parameter(in[1]), v = Variable.parameter(in[2]);
        Variable out = Functions.causalAttention(q, k, v, 0);
        out.backward(dOut);
        return new Tensor[] {out.value(), q.grad(), k.grad(), v.grad()};
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertTrue(expected.length == actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 2e-5 * (1 + Math.abs(expected[i]));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= tol,
                    what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    /** The naive reference: full score matrix, masked softmax, products, and the dense backward, in double. */
    static final class Dense {
        final double[] out, dq, dk, dv;

        private Dense(double[] out, double[] dq, double[] dk, double[] dv) {
            this.out = out;
            this.dq = dq;
            this.dk = dk;
            this.dv = dv;
        }

        static Dense of(Tensor qt, Tensor kt, Tensor vt, int offset, Tensor dOutT) {
            int batch = qt.dim(0),
                    qHeads = qt.dim(1),
                    time = qt.dim(2),
                    d = qt.dim(3),
                    kvHeads = kt.dim(1),
                    keys = kt.dim(2);
            int group = qHeads / kvHeads;
            double scale = 1 / Math.sqrt(d);
            double[] q = qt.toDoubleArray(), k = kt.toDoubleArray(), v = vt.toDoubleArray();
            double[] g = dOutT == null ? new double[q.length] : dOutT.toDoubleArray();
            double[] out = new double[q.length],
                    dq = new double[q.length],
                    dk = new double[k.length],
                    dv = new double[v.length];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < qHeads; h++) {
                    int qBase = (b * qHeads + h) * time * d, kvBase = (b * kvHeads + h / group) * keys * d;
                    for (int t = 0; t < time; t++) {
                        double[] p = new double[keys];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < keys; j++) {
                            if (j > offset + t) {
                                p[j] = Double.NEGATIVE_INFINITY;
                                continue;
                            }
                            double s = 0;
                            for (int c = 0; c < d; c++) s += q[qBase + t * d + c] * k[kvBase + j * d + c];
                            p[j] = s * scale;
                            max = Math.max(max, p[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < keys; j++) sum += p[j] = Math.exp(p[j] - max);
                        for (int j = 0; j < keys; j++) p[j] /= sum;
                        double[] dp = new double[keys];
                        double dot = 0;
                        for (int j = 0; j < keys; j++) {
                            for (int c = 0; c < d; c++) {
                                out[qBase + t * d + c] += p[j] * v[kvBase + j * d + c];
                                dp[j] += g[qBase + t * d + c] * v[kvBase + j * d + c];
                                dv[kvBase + j * d + c] += p[j] * g[qBase + t * d + c];
                            }
                            dot += p[j] * dp[j];
                        }
                        for (int j = 0; j < keys; j++) {
                            double ds = p[j] * (dp[j] - dot) * scale;
                            for (int c = 0; c < d; c++) {
                                dq[qBase + t * d + c] += ds * k[kvBase + j * d + c];
                                dk[kvBase + j * d + c] += ds * q[qBase + t * d + c];
                            }
                        }
                    }
                }
            }
            return new Dense(out, dq, dk, dv);
        }
    }
}

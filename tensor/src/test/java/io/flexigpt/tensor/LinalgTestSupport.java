package io.flexigpt.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.testing.TensorGens;
import java.util.Random;
import org.quicktheories.core.Gen;

/** Plain-loop matrix helpers and matrix generators for the linear algebra tests. */
final class LinalgTestSupport {
    private LinalgTestSupport() {}

    /**
     * Matrices up to maxDim×maxDim: full rank or rank-deficient (product of m×q and q×n factors with
     * q < min(m, n), including the zero matrix), dense, transposed or sliced.
     */
    static Gen<Tensor> matrices(int maxDim) {
        Gen<Integer> dims = integers().between(1, maxDim);
        return dims.zip(
                        dims,
                        longs().all(),
                        integers().between(0, 2),
                        booleans().all(),
                        (m, n, seed, layout, deficient) -> layout(values(seed, m, n, deficient), m, n, layout))
                .describedAs(TensorGens::describe);
    }

    static double[] values(long seed, int m, int n, boolean rankDeficient) {
        Random random = new Random(seed);
        if (!rankDeficient) return uniform(random, m * n);
        int q = random.nextInt(Math.min(m, n));
        return multiply(uniform(random, m * q), uniform(random, q * n), m, q, n);
    }

    private static double[] uniform(Random random, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) v[i] = (float) (random.nextDouble() * 2 - 1);
        return v;
    }

    /** An fp32 m×n tensor with these row-major values: dense (0), a transposed view (1) or a column slice (2). */
    static Tensor layout(double[] v, int m, int n, int layout) {
        if (layout == 1) {
            return Tensor.of(toFloats(transpose(v, m, n)), n, m).t();
        }
        if (layout == 2) {
            float[] wide = new float[m * (n + 2)];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) wide[i * (n + 2) + j + 1] = (float) v[i * n + j];
            }
            return Tensor.of(wide, m, n + 2).slice(1, 1, n + 1);
        }
        return Tensor.of(toFloats(v), m, n);
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
            }
        }
        return c;
    }

    static double[] transpose(double[] a, int m, int n) {
        double[] t = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
        }
        return t;
    }

    static double[] minus(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) c[i] = a[i] - b[i];
        return c;
    }

    static double frobenius(double[] a) {
        double sum = 0;
        for (double x : a) sum += x * x;
        return Math.sqrt(sum);
    }

    /** {@code t} plus small Gaussian noise from {@code seed}, as fp64. */
    static Tensor perturb(Tensor t, long seed) {
        double[] v = t.toDoubleArray();
        Random random = new Random(seed);
        for (int i = 0; i < v.length; i++) v[i] += 0.05 * random.nextGaussian();
        return Tensor.ofDouble(v, t.shape());
    }

    static void assertMaxAbsDiff(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " within " + tol);
            }
        }
    }

    /** Checks {@code QᵀQ = I} for an m×k row-major matrix. */
    static void assertOrthonormalColumns(double[] q, int m, int k, double tol) {
        double[] gram = multiply(transpose(q, m, k), q, k, m, k);
        double[] identity = new double[k * k];
        for (int i = 0; i < k; i++) identity[i * k + i] = 1;
        assertMaxAbsDiff(identity, gram, tol, "QᵀQ = I");
    }
}

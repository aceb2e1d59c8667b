package io.flexigpt.tensor;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The dense fp32 AdamW kernel (fp32 arithmetic, parallel chunks) against the element-by-element path
 * that strided tensors take (double arithmetic), and its independence of the thread count.
 */
class OptimizerKernelsTest {
    record State(Tensor p, Tensor g, Tensor m, Tensor v) {
        static State random(long seed, int n) {
            Rng rng = new Rng(seed);
            return new State(
                    rng.normal(0, 1, n),
                    rng.normal(0, 0.1f, n),
                    rng.normal(0, 0.01f, n),
                    rng.normal(0, 0.01f, n).abs());
        }

        State copy() {
            return new State(p.copy(), g.copy(), m.copy(), v.copy());
        }

        /** The same values in tensors whose layout is not dense (every other element of a twice-as-long array). */
        State strided() {
            return new State(spread(p), spread(g), spread(m), spread(v));
        }

        private static Tensor spread(Tensor t) {
            Tensor wide = Tensor.zeros(t.numel(), 2);
            wide.select(1, 0).copyFromInPlace(t);
            return wide.select(1, 0);
        }

        void step(int t, double lr, double wd) {
            OptimizerKernels.adamW(p, g, m, v, lr, 0.9, 0.95, 1e-8, wd, 1 - Math.pow(0.9, t), 1 - Math.pow(0.95, t));
        }
    }

    @Test
    void denseFp32StepMatchesTheElementwiseDoublePath() {
        record Case(int n, int t, double lr, boolean decay, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(2, 40_000).generate(in),
                integers().between(1, 50).generate(in),
                doubles().between(1e-5, 1e-1).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(40).forAll(cases)
                .checkAssert(
                        c -> denseFp32StepMatchesTheElementwiseDoublePath(c.n(), c.t(), c.lr(), c.decay(), c.seed()));
    }

    private void denseFp32StepMatchesTheElementwiseDoublePath(int n, int t, double lr, boolean decay, long seed) {
        State dense = State.random(seed, n), strided = dense.strided();
        assertFalse(strided.p().isContiguous());
        double wd = decay ? 0.1 : 0;
        dense.step(t, lr, wd);
        strided.step(t, lr, wd);
        assertTrue(dense.m().maxAbsDiff(strided.m()) <= 1e-6, "m");
        assertTrue(dense.v().maxAbsDiff(strided.v()) <= 1e-7, "v");
        // the update is at most about lr per element; fp32 rounding of p itself dominates
        assertTrue(
                dense.p().maxAbsDiff(strided.p()) <= 1e-6 + 1e-4 * lr,
                "p: " + dense.p().maxAbsDiff(strided.p()));
    }

    @Test
    void theSameBitsForAnyThreadCount() {
        qt(8).forAll(integers().between(1, 200_000), longs().all()).checkAssert((n, seed) -> {
            int saved = Parallelism.threads();
            try {
                State one = State.random(seed, n), two = one.copy();
                Parallelism.setThreads(1);
                one.step(3, 1e-3, 0.01);
                Parallelism.setThreads(2);
                two.step(3, 1e-3, 0.01);
                assertEquals(0.0, one.p().maxAbsDiff(two.p()));
                assertEquals(0.0, one.m().maxAbsDiff(two.m()));
                assertEquals(0.0, one.v().maxAbsDiff(two.v()));
            } finally {
                Parallelism.setThreads(saved);
            }
        });
    }
}

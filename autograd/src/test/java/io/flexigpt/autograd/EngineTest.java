package io.flexigpt.autograd;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.optim.AdamW;
import io.flexigpt.autograd.optim.LrSchedule;
import io.flexigpt.autograd.optim.ParamGroup;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine behaviour: no-grad scope, detach, gradient accumulation and zeroing, seeds, graph release. */
class EngineTest {

    @Test
    void noGradScopeRecordsNothing() {
        Variable w = Variable.parameter(Tensor.ones(2, 2));
        Variable y;
        try (NoGrad ignored = NoGrad.enter()) {
            y = w.mul(w).sum();
            assertTrue(NoGrad.active());
        }
        assertFalse(NoGrad.active());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void detachCutsTheGraph() {
        Variable w = Variable.parameter(Tensor.of(new float[] {3}, 1));
        Variable y = w.mul(w.detach()).sum();
        y.backward();
        assertEquals(3.0, w.grad().get(0), 1e-6); // d(w*c)/dw = c, not 2w
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Variable w = Variable.parameter(Tensor.of(new float[] {2}, 1));
        w.mul(w).sum().backward();
        w.mul(w).sum().backward();
        assertEquals(8.0, w.grad().get(0), 1e-6);
        w.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void explicitSeedForNonScalarOutputs() {
        Variable w = Variable.parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        w.mul(w).backward(Tensor.of(new float[] {1, 0, 2}, 3));
        assertArrayEquals(new float[] {2, 0, 12}, w.grad().toFloatArray());
        Variable v = Variable.parameter(Tensor.ones(2));
        assertThrows(io.flexigpt.tensor.ShapeException.class, () -> v.mul(v).backward());
    }

    @Test
    void graphIsReleasedAfterBackward() {
        Variable w = Variable.parameter(TensorGens.random(1, 64, 64));
        Tensor big = TensorGens.random(2, 64, 64);
        WeakReference<Tensor> saved = new WeakReference<>(big);
        Variable loss = w.matmul(Variable.constant(big)).square().sum();
        big = null;
        loss.backward();
        assertTrue(loss.isLeaf(), "the loss node is released");
        for (int i = 0; i < 20 && saved.get() != null; i++) {
            System.gc();
            Thread.onSpinWait();
        }
        assertNull(saved.get(), "tensors saved for backward are garbage after backward");
    }

    @Test
    void memoryDoesNotGrowOverManyTrainingSteps() {
        Variable w1 = Variable.parameter(TensorGens.random(5, 64, 32).mul(0.1));
        Variable w2 = Variable.parameter(TensorGens.random(6, 10, 64).mul(0.1));
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(w1, w2), 0.01)), LrSchedule.constant(1e-3));
        Tensor x = TensorGens.random(7, 16, 32);
        int[] targets = new int[16];
        for (int i = 0; i < 16; i++) targets[i] = i % 10;
        long[] usedAt = new long[2];
        for (int step = 0; step < 600; step++) {
            opt.zeroGrad();
            Variable logits = Variable.constant(x).matmul(w1.t()).silu().matmul(w2.t());
            Functions.crossEntropy(logits, targets).backward();
            opt.step();
            if (step == 99 || step == 599) usedAt[step == 99 ? 0 : 1] = usedHeapAfterGc();
        }
        long growth = usedAt[1] - usedAt[0];
        assertTrue(growth < 4L << 20, "heap grew by " + growth + " bytes between step 100 and 600");
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    @Test
    void gradientCheckDetectsAWrongBackward() {
        // an op that computes x^2 but claims the derivative is x (half the truth)
        java.util.function.Function<Variable[], Variable> wrong = v -> Variable.result(
                        v[0].value().square(), "wrongSquare", g -> new Tensor[] {g.mul(v[0].value())}, v[0])
                .sum();
        GradientCheck.Result r = GradientCheck.check(wrong, Tensor.of(new float[] {0.5f, -1.5f, 2f}, 3));
        assertFalse(r.passes(GradientCheck.DEFAULT_TOLERANCE), r.toString());
        assertThrows(
                AssertionError.class, () -> GradientCheck.assertGradientsMatch(wrong, Tensor.of(new float[] {1f}, 1)));
    }
}

package io.flexigpt.autograd.optim;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimiser steps against updates computed by hand (in double, independently of the kernels). */
class OptimizerTest {

    static Variable param(double... v) {
        return Variable.parameter(Tensor.ofDouble(v.clone(), v.length));
    }

    static void setGrad(Variable p, double... g) {
        p.setGrad(Tensor.ofDouble(g.clone(), g.length));
    }

    /** Reference AdamW on one scalar. */
    static double[] adamwReference(
            double p, double[] grads, double[] lrs, double b1, double b2, double eps, double wd) {
        double m = 0, v = 0;
        double[] trace = new double[grads.length];
        for (int t = 1; t <= grads.length; t++) {
            double g = grads[t - 1], lr = lrs[t - 1];
            p -= lr * wd * p;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mh = m / (1 - Math.pow(b1, t)), vh = v / (1 - Math.pow(b2, t));
            p -= lr * mh / (Math.sqrt(vh) + eps);
            trace[t - 1] = p;
        }
        return trace;
    }

    @Test
    void adamWMatchesHandComputedStepsWithAndWithoutWeightDecay() {
        double[] grads = {0.5, -1.25, 2.0, 0.1};
        double[] lrs = {0.1, 0.1, 0.1, 0.1};
        for (double wd : new double[] {0.0, 0.05}) {
            Variable p = param(1.5);
            AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(p), wd)), LrSchedule.constant(0.1), 0.9, 0.999, 1e-8);
            double[] expected = adamwReference(1.5, grads, lrs, 0.9, 0.999, 1e-8, wd);
            for (int i = 0; i < grads.length; i++) {
                setGrad(p, grads[i]);
                opt.step();
                assertEquals(expected[i], p.value().get(0), 1e-12, "wd " + wd + " step " + i);
            }
        }
    }

    @Test
    void warmupCosineScheduleAndItsUseByAdamW() {
        LrSchedule s = LrSchedule.warmupCosine(1.0, 4, 14, 0.1);
        assertEquals(0.25, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(3), 1e-12);
        assertEquals(1.0, s.lr(4), 1e-12);
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.5)), s.lr(9), 1e-12);
        assertEquals(0.1, s.lr(14), 1e-12);
        Variable p = param(0.7);
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(p), 0.01)), s, 0.9, 0.95, 1e-8);
        double[] grads = {1, 1, -0.5, 0.25, 2, -1};
        double[] lrs = new double[grads.length];
        for (int i = 0; i < grads.length; i++) lrs[i] = s.lr(i);
        double[] expected = adamwReference(0.7, grads, lrs, 0.9, 0.95, 1e-8, 0.01);
        for (int i = 0; i < grads.length; i++) {
            setGrad(p, grads[i]);
            opt.step();
            assertEquals(expected[i], p.value().get(0), 1e-12);
        }
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        Variable a = param(0, 0), b = param(0);
        setGrad(a, 3, 0);
        setGrad(b, 4);
        double norm = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-12);
        double scale = 1.0 / (5.0 + 1e-6);
        assertEquals(3 * scale, a.grad().get(0), 1e-12);
        assertEquals(4 * scale, b.grad().get(0), 1e-12);
        assertEquals(5.0 * scale, GradClip.clipGlobalNorm(List.of(a, b), 10.0), 1e-12); // below the limit: unchanged
    }

    @Test
    void adamWWithClippingMatchesReference() {
        Variable p = param(1.0, -2.0);
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(p), 0.0)), LrSchedule.constant(0.01), 0.9, 0.999, 1e-8);
        setGrad(p, 30, 40); // norm 50 clipped to 1
        GradClip.clipGlobalNorm(List.of(p), 1.0);
        double g0 = 30 / (50 + 1e-6), g1 = 40 / (50 + 1e-6);
        opt.step();
        assertEquals(
                adamwReference(1.0, new double[] {g0}, new double[] {0.01}, 0.9, 0.999, 1e-8, 0)[0],
                p.value().get(0),
                1e-12);
        assertEquals(
                adamwReference(-2.0, new double[] {g1}, new double[] {0.01}, 0.9, 0.999, 1e-8, 0)[0],
                p.value().get(1),
                1e-12);
    }

    @Test
    void sgdMomentumAndNesterovMatchReference() {
        double[] grads = {1.0, -0.5, 0.25};
        for (boolean nesterov : new boolean[] {false, true}) {
            Variable p = param(2.0);
            Sgd opt = new Sgd(List.of(ParamGroup.of(List.of(p), 0.1)), LrSchedule.constant(0.5), 0.9, nesterov);
            double x = 2.0, buf = 0;
            for (int i = 0; i < grads.length; i++) {
                double d = grads[i] + 0.1 * x;
                buf = i == 0 ? d : 0.9 * buf + d;
                x -= 0.5 * (nesterov ? d + 0.9 * buf : buf);
                setGrad(p, grads[i]);
                opt.step();
                assertEquals(x, p.value().get(0), 1e-12, "nesterov " + nesterov + " step " + i);
            }
        }
    }

    @Test
    void savedStateResumesExactly() {
        double[] grads = {0.3, -0.7, 1.1, 0.05, -0.4, 0.9};
        Variable straight = param(0.5, 1.5);
        AdamW a = new AdamW(List.of(ParamGroup.of(List.of(straight), 0.02)), LrSchedule.warmupCosine(0.1, 2, 6, 0.0));
        for (double g : grads) {
            setGrad(straight, g, -g);
            a.step();
        }
        Variable resumed = param(0.5, 1.5);
        AdamW b = new AdamW(List.of(ParamGroup.of(List.of(resumed), 0.02)), LrSchedule.warmupCosine(0.1, 2, 6, 0.0));
        for (int i = 0; i < 3; i++) {
            setGrad(resumed, grads[i], -grads[i]);
            b.step();
        }
        Map<String, Tensor> state = b.state();
        Tensor weights = resumed.value().copy();
        Variable restarted = Variable.parameter(weights);
        AdamW c = new AdamW(List.of(ParamGroup.of(List.of(restarted), 0.02)), LrSchedule.warmupCosine(0.1, 2, 6, 0.0));
        c.loadState(state);
        assertEquals(3, c.stepCount());
        for (int i = 3; i < grads.length; i++) {
            setGrad(restarted, grads[i], -grads[i]);
            c.step();
        }
        assertEquals(0.0, straight.value().maxAbsDiff(restarted.value()));
        assertEquals(DType.F64, restarted.value().dtype());
    }
}

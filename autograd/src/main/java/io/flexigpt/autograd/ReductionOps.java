package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/** Reductions, softmax, log-softmax and RMSNorm with their derivatives. */
final class ReductionOps {
    private ReductionOps() {}

    static Variable sumAll(Variable a) {
        Tensor x = a.value();
        Tensor out = x.dtype() == io.flexigpt.tensor.DType.F64
                ? Tensor.ofDouble(new double[] {x.sum()})
                : Tensor.scalar((float) x.sum());
        return Variable.result(
                out, "sum", g -> new Tensor[] {g.reshape(ones(x.rank())).expand(x.shape())}, a);
    }

    static Variable meanAll(Variable a) {
        int n = a.value().numel();
        return sumAll(a).mul(1.0 / n);
    }

    private static int[] ones(int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    static Variable sum(Variable a, int axis, boolean keepDim) {
        Tensor x = a.value();
        int ax = axis < 0 ? axis + x.rank() : axis;
        return Variable.result(
                x.sum(ax, keepDim),
                "sum(axis)",
                g -> new Tensor[] {(keepDim ? g : g.unsqueeze(ax)).expand(x.shape())},
                a);
    }

    static Variable mean(Variable a, int axis, boolean keepDim) {
        int ax = axis < 0 ? axis + a.rank() : axis;
        return sum(a, ax, keepDim).mul(1.0 / a.value().dim(ax));
    }

    static Variable max(Variable a, int axis, boolean keepDim) {
        Tensor x = a.value();
        int ax = axis < 0 ? axis + x.rank() : axis;
        Tensor arg = x.argmax(ax, true);
        return Variable.result(
                x.max(ax, keepDim),
                "max(axis)",
                g -> {
                    Tensor gk = keepDim ? g : g.unsqueeze(ax);
                    Tensor positions = io.flexigpt.tensor.Tensor.arange(x.dim(ax));
                    int[] shape = new int[x.rank()];
                    java.util.Arrays.fill(shape, 1);
                    shape[ax] = x.dim(ax);
                    Tensor hit = positions.reshape(shape).eq(arg);
                    return new Tensor[] {hit.mul(gk)};
                },
                a);
    }

    static Variable softmax(Variable a, int axis) {
        Tensor y = a.value().softmax(axis);
        return Variable.result(y, "softmax", g -> new Tensor[] {y.softmaxBackward(g, axis)}, a);
    }

    static Variable logSoftmax(Variable a, int axis) {
        Tensor y = a.value().logSoftmax(axis);
        return Variable.result(
                y,
                "logSoftmax",
                g -> {
                    Tensor total = g.sum(axis, true);
                    return new Tensor[] {g.sub(y.exp().mul(total))};
                },
                a);
    }

    /**
     * y = w x r with r = (mean(x^2) + eps)^-1/2 over the last axis. dL/dx = r (g w) - x r^3 mean(g w x);
     * dL/dw = sum over rows of g x r.
     */
    static Variable rmsNorm(Variable a, Variable weight, double eps) {
        Tensor x = a.value(), w = weight.value();
        Tensor out = x.rmsNorm(w, eps);
        return Variable.result(
                out,
                "rmsNorm",
                g -> {
                    Tensor[] grads = x.rmsNormBackward(w, g, eps);
                    return new Tensor[] {a.requiresGrad() ? grads[0] : null, weight.requiresGrad() ? grads[1] : null};
                },
                a,
                weight);
    }
}

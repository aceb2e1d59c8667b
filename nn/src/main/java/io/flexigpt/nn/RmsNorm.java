package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;

/** RMSNorm over the last axis with a learned gain. */
public final class RmsNorm extends Module {
    private final Variable weight;
    private final double eps;

    public RmsNorm(Tensor weight, double eps) {
        this.weight = parameter("weight", weight);
        this.eps = eps;
    }

    public Variable weight() {
        return weight;
    }

    public double eps() {
        return eps;
    }

    public Variable forward(Variable x) {
        return x.rmsNorm(weight, eps);
    }
}

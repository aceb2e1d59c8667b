package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;

/** {@code y = x Wᵀ (+ b)} with {@code W [out, in]}, the Hugging Face / PyTorch layout. */
public final class Linear extends Projection {
    private final Variable weight;
    private final Variable bias;

    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("Linear: weight must be 2-D [out, in], got " + java.util.Arrays.toString(weight.shape()));
        this.weight = parameter("weight", weight);
        this.bias = bias == null ? null : parameter("bias", bias);
    }

    /** A linear layer whose weight variable is shared with another module (not copied). */
    public Linear(Variable sharedWeight) {
        this.weight = parameter("weight", sharedWeight);
        this.bias = null;
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    @Override
    public int inFeatures() {
        return weight.dim(1);
    }

    @Override
    public int outFeatures() {
        return weight.dim(0);
    }
}

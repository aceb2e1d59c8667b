package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import java.util.List;

/** {@code y = x Wᵀ} with {@code W [out, in]}, the Hugging Face / PyTorch layout (Llama projections have no bias). */
public final class Linear extends Projection {
    private final Variable weight;
    private final List<LinearTerm> terms;

    public Linear(Tensor weight) {
        if (weight.rank() != 2)
            throw new IllegalArgumentException(
                    "Linear: weight must be 2-D [out, in], got " + java.util.Arrays.toString(weight.shape()));
        this.weight = parameter("weight", weight);
        this.terms = List.of(LinearTerm.of(this.weight));
    }

    /** A linear layer whose weight variable is shared with another module (not copied). */
    public Linear(Variable sharedWeight) {
        this.weight = parameter("weight", sharedWeight);
        this.terms = List.of(LinearTerm.of(this.weight));
    }

    public Variable weight() {
        return weight;
    }

    /** The single term {@code W}. */
    @Override
    public List<LinearTerm> terms() {
        return terms;
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

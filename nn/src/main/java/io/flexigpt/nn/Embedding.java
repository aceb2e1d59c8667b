package io.flexigpt.nn;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;

/** Token embedding table {@code [vocab, dim]}. */
public final class Embedding extends Module {
    private final Variable weight;

    public Embedding(Tensor weight) {
        this.weight = parameter("weight", weight);
    }

    public Variable weight() {
        return weight;
    }

    /** Rows for {@code ids}, as {@code [ids.length, dim]}. */
    public Variable forward(int[] ids) {
        int vocab = weight.dim(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab)
                throw new IndexOutOfBoundsException("Embedding: token id " + ids[i] + " at position " + i
                        + " out of range for vocabulary " + vocab);
        }
        return Functions.embedding(weight, ids);
    }
}

package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import java.util.List;

/**
 * A module mapping the last axis from {@code inFeatures} to {@code outFeatures} by a weight that is a sum
 * of {@linkplain LinearTerm terms}: a plain {@link Linear} is one term, a compressed replacement such as a
 * shared base weight plus a low-rank adapter is two. The terms are the whole computation: {@link #forward}
 * evaluates them, and so does any other runtime of the model.
 */
public abstract class Projection extends Module {
    /** The terms whose sum is this projection's weight, each {@code [outFeatures, inFeatures]} as a product. */
    public abstract List<LinearTerm> terms();

    public abstract int inFeatures();

    public abstract int outFeatures();

    /** {@code x [..., inFeatures]} to {@code [..., outFeatures]}: the terms applied to {@code x}, summed in order. */
    public final Variable forward(Variable x) {
        List<LinearTerm> terms = terms();
        Variable sum = terms.get(0).apply(x);
        for (int i = 1; i < terms.size(); i++) sum = sum.add(terms.get(i).apply(x));
        return sum;
    }
}

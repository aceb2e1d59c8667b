package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;

/**
 * A module mapping the last axis from {@code inFeatures} to {@code outFeatures}: a plain {@link Linear},
 * or a compressed replacement such as a shared base weight plus a low-rank adapter.
 */
public abstract class Projection extends Module {
    public abstract Variable forward(Variable x);

    public abstract int inFeatures();

    public abstract int outFeatures();
}

package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;

/** Receives each block's input and output hidden states during a forward pass (for importance scores). */
@FunctionalInterface
public interface BlockObserver {
    void onBlock(int index, Variable input, Variable output);
}

package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/**
 * One recorded op: its inputs and the function that maps the gradient of its output to the gradients of
 * its inputs (an entry may be null when that input needs none). The saved tensors live in the closure and
 * are dropped when the node is released after {@code backward}.
 */
final class Node {
    interface Backward {
        Tensor[] apply(Tensor gradOut);
    }

    final String op;
    Variable[] inputs;
    Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    void release() {
        inputs = null;
        backward = null;
    }
}

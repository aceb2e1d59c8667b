package io.flexigpt.autograd;

import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backward pass: orders the recorded nodes topologically (iteratively, so deep graphs cannot
 * overflow the stack), propagates gradients in reverse, accumulates them into leaves and releases every
 * node it has run, so the graph and its saved tensors become garbage.
 */
final class Backprop {
    private Backprop() {}

    static void run(Variable root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException(
                    "backward: this value does not require a gradient (no parameter reaches it, or it was computed under NoGrad)");
        }
        if (!Arrays.equals(seed.shape(), root.value().shape())) {
            throw new ShapeException(
                    "backward: seed shape " + Arrays.toString(seed.shape()) + " does not match value shape "
                            + Arrays.toString(root.value().shape()));
        }
        if (root.node == null) {
            root.accumulateGrad(seed);
            return;
        }
        List<Variable> order = topologicalOrder(root);
        Map<Variable, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        for (Variable v : order) {
            Tensor g = pending.remove(v);
            Node node = v.node;
            v.node = null;
            if (g == null || node == null) continue;
            Tensor[] inputGrads = node.backward.apply(g);
            Variable[] inputs = node.inputs;
            node.release();
            for (int i = 0; i < inputs.length; i++) {
                Variable in = inputs[i];
                if (in == null || !in.requiresGrad() || inputGrads[i] == null) continue;
                if (in.node == null) {
                    in.accumulateGrad(inputGrads[i]);
                } else {
                    Tensor fitted = Broadcast.sumTo(inputGrads[i], in.value().shape());
                    pending.merge(in, fitted, Tensor::add);
                }
            }
        }
    }

    /** Nodes reachable from {@code root}, parents before children. */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> postOrder = new ArrayList<>();
        Set<Variable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        stack.push(root);
        next.push(0);
        visited.add(root);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int i = next.pop();
            Variable[] inputs = v.node == null ? null : v.node.inputs;
            if (inputs == null || i >= inputs.length) {
                stack.pop();
                postOrder.add(v);
                continue;
            }
            next.push(i + 1);
            Variable child = inputs[i];
            if (child != null && child.requiresGrad() && child.node != null && visited.add(child)) {
                stack.push(child);
                next.push(0);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}

package io.flexigpt.autograd.optim;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.OptimizerKernels;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay. */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final Map<Integer, Tensor> buf = new LinkedHashMap<>();

    public Sgd(List<ParamGroup> groups, LrSchedule schedule, double momentum, boolean nesterov) {
        super(groups, schedule);
        if (nesterov && momentum <= 0) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(int index, Variable p, Tensor grad, double lr, double weightDecay, int t) {
        // a zero buffer makes the first step's buffer the (decayed) gradient itself, as in PyTorch
        Tensor b = momentum > 0
                ? buf.computeIfAbsent(index, k -> Tensor.zeros(p.value().dtype(), p.shape()))
                : null;
        OptimizerKernels.sgd(p.value(), grad, b, lr, momentum, nesterov, weightDecay);
    }

    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        buf.forEach((i, t) -> b.put(i + ".momentum", t));
        return b;
    }

    @Override
    protected void allocate(Map<String, Tensor> saved) {
        List<Variable> params = parameters();
        for (String key : saved.keySet()) {
            if (!key.equals("step"))
                buf.computeIfAbsent(
                        parameterIndex(key),
                        k -> Tensor.zeros(
                                params.get(k).value().dtype(), params.get(k).shape()));
        }
    }
}

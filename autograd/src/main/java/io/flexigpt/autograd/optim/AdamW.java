package io.flexigpt.autograd.optim;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.OptimizerKernels;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Adam with decoupled weight decay and bias correction (Loshchilov and Hutter). */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;
    private final Map<Integer, Tensor> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();

    public AdamW(List<ParamGroup> groups, LrSchedule schedule, double beta1, double beta2, double eps) {
        super(groups, schedule);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** AdamW with the usual betas (0.9, 0.95) and eps 1e-8. */
    public AdamW(List<ParamGroup> groups, LrSchedule schedule) {
        this(groups, schedule, 0.9, 0.95, 1e-8);
    }

    @Override
    protected void update(int index, Variable p, Tensor grad, double lr, double weightDecay, int t) {
        Tensor mi = m.computeIfAbsent(index, k -> Tensor.zeros(p.value().dtype(), p.shape()));
        Tensor vi = v.computeIfAbsent(index, k -> Tensor.zeros(p.value().dtype(), p.shape()));
        OptimizerKernels.adamW(
                p.value(),
                grad,
                mi,
                vi,
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                1 - Math.pow(beta1, t),
                1 - Math.pow(beta2, t));
    }

    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        m.forEach((i, t) -> b.put(i + ".m", t));
        v.forEach((i, t) -> b.put(i + ".v", t));
        return b;
    }

    @Override
    protected void allocate(Map<String, Tensor> saved) {
        List<Variable> params = parameters();
        for (String key : saved.keySet()) {
            if (key.equals("step")) continue;
            int index = parameterIndex(key);
            (key.endsWith(".m") ? m : v)
                    .computeIfAbsent(
                            index,
                            k -> Tensor.zeros(
                                    params.get(k).value().dtype(), params.get(k).shape()));
        }
    }
}

package io.flexigpt.autograd.optim;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimisers: owns the parameter groups, the step counter and the per-parameter state
 * buffers, and saves/restores all of it as named tensors so training resumes exactly.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final LrSchedule schedule;
    private int step;

    protected Optimizer(List<ParamGroup> groups, LrSchedule schedule) {
        this.groups = List.copyOf(groups);
        this.schedule = schedule;
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** Number of steps taken so far. */
    public int stepCount() {
        return step;
    }

    /** The learning rate the next step will use (before the group's scale). */
    public double currentLr() {
        return schedule.lr(step);
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        double lr = schedule.lr(step);
        step++;
        try (NoGrad ignored = NoGrad.enter()) {
            int index = 0;
            for (ParamGroup g : groups) {
                for (Variable p : g.params()) {
                    if (p.grad() != null) update(index, p, p.grad(), lr * g.lrScale(), g.weightDecay(), step);
                    index++;
                }
            }
        }
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Variable p : g.params()) p.zeroGrad();
    }

    /** All parameters, in group order. */
    public List<Variable> parameters() {
        List<Variable> all = new ArrayList<>();
        for (ParamGroup g : groups) all.addAll(g.params());
        return all;
    }

    /** Updates parameter number {@code index} (counting across groups); {@code t} is the 1-based step. */
    protected abstract void update(int index, Variable p, Tensor grad, double lr, double weightDecay, int t);

    /** Named state buffers of the subclass (e.g. {@code "3.m"}); restored into the same instances. */
    protected abstract Map<String, Tensor> buffers();

    /** Creates the buffers named in a saved state before it is copied in. */
    protected abstract void allocate(Map<String, Tensor> saved);

    /** The parameter number a saved buffer key such as {@code "3.m"} refers to, checked against the parameters. */
    protected int parameterIndex(String key) {
        int dot = key.indexOf('.');
        int index;
        try {
            index = Integer.parseInt(dot < 0 ? key : key.substring(0, dot));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "optimiser state entry '" + key + "' does not start with a parameter number");
        }
        int count = parameters().size();
        if (index < 0 || index >= count)
            throw new IllegalArgumentException(
                    "optimiser state entry '" + key + "' refers to parameter " + index + " of " + count);
        return index;
    }

    /** The complete state: step counter and every buffer (copies). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", Tensor.of(new float[] {step}, 1));
        for (Map.Entry<String, Tensor> e : buffers().entrySet())
            s.put(e.getKey(), e.getValue().copy());
        return s;
    }

    /** Restores a state produced by {@link #state()} of an optimiser over the same parameters. */
    public void loadState(Map<String, Tensor> saved) {
        Tensor s = saved.get("step");
        if (s == null) throw new IllegalArgumentException("optimiser state has no 'step' entry");
        allocate(saved);
        Map<String, Tensor> mine = buffers();
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            if (e.getKey().equals("step")) continue;
            Tensor dst = mine.get(e.getKey());
            if (dst == null)
                throw new IllegalArgumentException("optimiser state entry '" + e.getKey() + "' matches no parameter");
            dst.copyFromInPlace(e.getValue());
        }
        step = (int) s.item();
    }
}

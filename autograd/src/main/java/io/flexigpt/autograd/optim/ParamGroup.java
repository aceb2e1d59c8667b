package io.flexigpt.autograd.optim;

import io.flexigpt.autograd.Variable;
import java.util.List;

/**
 * Parameters that share optimiser settings, e.g. weights with weight decay and norm gains without.
 * {@code lrScale} multiplies the scheduled learning rate for this group.
 */
public record ParamGroup(List<Variable> params, double weightDecay, double lrScale) {
    public ParamGroup {
        params = List.copyOf(params);
        if (weightDecay < 0 || lrScale < 0) throw new IllegalArgumentException("weightDecay and lrScale must be >= 0");
    }

    public static ParamGroup of(List<Variable> params, double weightDecay) {
        return new ParamGroup(params, weightDecay, 1.0);
    }
}

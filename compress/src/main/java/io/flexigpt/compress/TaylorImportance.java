package io.flexigpt.compress;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import java.util.List;

/**
 * First-order Taylor estimate of the loss change when a block's weights are zeroed:
 * {@code |Σ_w w · ∂L/∂w|} over the block's parameters, with the gradient of the calibration loss.
 */
final class TaylorImportance implements ImportanceMetric {
    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public double[] score(LlamaModel model, CalibrationData data) {
        List<Variable> all = model.parameters();
        boolean[] wasTrainable = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            wasTrainable[i] = all.get(i).requiresGrad();
            all.get(i).setRequiresGrad(true);
            all.get(i).zeroGrad();
        }
        try {
            for (int b = 0; b < data.inputs().size(); b++) {
                Variable logits = model.forward(data.inputs().get(b));
                int n = logits.dim(0) * logits.dim(1);
                Functions.crossEntropy(
                                logits.reshape(n, -1),
                                CalibrationData.flatten(data.targets().get(b)))
                        .mul(1.0 / data.inputs().size())
                        .backward();
            }
            double[] s = new double[model.blocks().size()];
            for (int i = 0; i < s.length; i++) {
                double total = 0;
                for (Variable p : model.blocks().get(i).parameters()) {
                    if (p.grad() != null) total += p.value().mul(p.grad()).sum();
                }
                s[i] = Math.abs(total);
            }
            return s;
        } finally {
            for (int i = 0; i < all.size(); i++) {
                all.get(i).zeroGrad();
                all.get(i).setRequiresGrad(wasTrainable[i]);
            }
        }
    }
}

package io.flexigpt.autograd.optim;

import io.flexigpt.autograd.Variable;
import java.util.Collection;

/** Global-norm gradient clipping. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by {@code maxNorm / norm} when their global L2 norm exceeds {@code maxNorm};
     * returns the norm before clipping.
     */
    public static double clipGlobalNorm(Collection<Variable> params, double maxNorm) {
        double ss = 0;
        for (Variable p : params) if (p.grad() != null) ss += p.grad().square().sum();
        double norm = Math.sqrt(ss);
        if (norm > maxNorm && norm > 0) {
            double scale = maxNorm / (norm + 1e-6);
            for (Variable p : params) if (p.grad() != null) p.setGrad(p.grad().mul(scale));
        }
        return norm;
    }
}

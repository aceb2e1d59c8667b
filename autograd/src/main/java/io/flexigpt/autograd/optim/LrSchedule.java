package io.flexigpt.autograd.optim;

/** Learning rate as a function of the 0-based optimiser step. */
@FunctionalInterface
public interface LrSchedule {
    double lr(int step);

    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /**
     * Linear warm-up from 0 to {@code peak} over {@code warmupSteps}, then cosine decay to {@code minLr} at
     * {@code totalSteps} (and {@code minLr} after).
     */
    static LrSchedule warmupCosine(double peak, int warmupSteps, int totalSteps, double minLr) {
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupCosine: need 0 <= warmupSteps (" + warmupSteps
                    + ") <= totalSteps (" + totalSteps + "), totalSteps > 0");
        }
        return step -> {
            if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
            if (step >= totalSteps) return minLr;
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return minLr + 0.5 * (peak - minLr) * (1 + Math.cos(Math.PI * progress));
        };
    }
}

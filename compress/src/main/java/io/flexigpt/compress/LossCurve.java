package io.flexigpt.compress;

import io.flexigpt.nn.train.TrainingListener;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps the training loss of every step for the report and passes every call on to {@code next} (the progress
 * the user sees). Steps a resumed run did not see stay NaN.
 */
final class LossCurve implements TrainingListener {
    private final TrainingListener next;
    private double[] losses = new double[0];

    LossCurve(TrainingListener next) {
        this.next = next == null ? TrainingListener.NONE : next;
    }

    @Override
    public void onStep(int step, int totalSteps, double loss, double lr, double tokensPerSecond) {
        if (losses.length < totalSteps) {
            int from = losses.length;
            losses = Arrays.copyOf(losses, totalSteps);
            Arrays.fill(losses, from, totalSteps, Double.NaN);
        }
        if (step >= 1 && step <= losses.length) losses[step - 1] = loss;
        next.onStep(step, totalSteps, loss, lr, tokensPerSecond);
    }

    @Override
    public void onEval(int step, double heldOutLoss) {
        next.onEval(step, heldOutLoss);
    }

    @Override
    public void onCheckpoint(int step, Path file) {
        next.onCheckpoint(step, file);
    }

    /** The loss per step, step 1 first. */
    double[] losses() {
        return losses.clone();
    }
}

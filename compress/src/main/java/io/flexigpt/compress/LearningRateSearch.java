package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.DivergenceException;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a recovery's peak learning rate on validation text: from the same starting student, a short
 * recovery at each rate of a grid, then the cross-entropy on the validation windows; the rate with the
 * lowest loss wins (a rate whose run diverged never does). Only the validation part of the data is scored,
 * never the test text. The student is left as it started.
 */
public final class LearningRateSearch {
    private LearningRateSearch() {}

    /** The rates tried, their validation losses (+Infinity for a run that diverged) and the chosen rate. */
    public record Choice(double lr, double[] grid, double[] validationLoss, int trialSteps) {
        public String describe() {
            StringBuilder sb = new StringBuilder(
                    String.format(Locale.ROOT, "peak lr %.3g chosen on validation (%d-step trials):", lr, trialSteps));
            for (int i = 0; i < grid.length; i++)
                sb.append(String.format(Locale.ROOT, " %.3g -> %.4f", grid[i], validationLoss[i]));
            return sb.toString();
        }
    }

    /** Steps of each trial for a recovery of {@code steps}: a quarter of it, at least 20 (and at most the run). */
    public static int trialSteps(int steps) {
        return Math.min(steps, Math.max(20, steps / 4));
    }

    /**
     * Tries every rate of {@code grid} for {@code trialSteps} steps of {@code loss} (the settings' batch, window
     * and seed), each from the student's current trainable weights, and returns the rate with the lowest
     * validation loss.
     */
    public static Choice choose(
            LlamaModel student,
            TokenDataset data,
            RecoverySettings settings,
            LossFunction loss,
            double[] grid,
            int trialSteps)
            throws IOException {
        if (grid.length == 0) throw new IllegalArgumentException("the learning-rate grid is empty");
        if (trialSteps < 1) throw new IllegalArgumentException("trial steps must be >= 1, got " + trialSteps);
        List<Variable> trainable = student.trainableParameters();
        if (trainable.isEmpty())
            throw new IllegalArgumentException(
                    "the student has no trainable parameters: there is no learning rate to choose");
        List<Tensor> start = new ArrayList<>();
        for (Variable v : trainable) start.add(v.value().copy());
        double[] losses = new double[grid.length];
        int best = -1;
        for (int i = 0; i < grid.length; i++) {
            losses[i] = trial(student, data, settings.withSteps(trialSteps).withLr(grid[i]), loss);
            if (Double.isFinite(losses[i]) && (best < 0 || losses[i] < losses[best])) best = i;
            restore(trainable, start);
        }
        if (best < 0)
            throw new IllegalStateException(
                    "recovery diverged at every learning rate tried: " + java.util.Arrays.toString(grid));
        return new Choice(grid[best], grid.clone(), losses, trialSteps);
    }

    /** The validation cross-entropy of {@code student} after training it with {@code trial} settings (+Infinity when the run diverged). */
    static double trial(LlamaModel student, TokenDataset data, RecoverySettings trial, LossFunction loss)
            throws IOException {
        try {
            Recovery.trainer(student, data, trial, loss, null, null).run();
        } catch (DivergenceException diverged) {
            return Double.POSITIVE_INFINITY;
        }
        double l = Recovery.validationLoss(student, data, trial);
        return Double.isFinite(l) ? l : Double.POSITIVE_INFINITY;
    }

    private static void restore(List<Variable> params, List<Tensor> values) {
        for (int i = 0; i < params.size(); i++) params.get(i).value().copyFromInPlace(values.get(i));
    }
}

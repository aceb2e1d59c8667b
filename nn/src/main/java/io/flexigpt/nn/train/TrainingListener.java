package io.flexigpt.nn.train;

import io.flexigpt.io.ProgressListener;
import java.nio.file.Path;
import java.util.Locale;

/** Receives the events of a {@link Trainer}: each step's loss, held-out evaluations, checkpoints. */
public interface TrainingListener {
    /** After each optimiser step: 1-based step, training loss, learning rate used, tokens per second so far. */
    default void onStep(int step, int totalSteps, double loss, double lr, double tokensPerSecond) {}

    /** After each held-out evaluation. */
    default void onEval(int step, double heldOutLoss) {}

    /** After a checkpoint was written. */
    default void onCheckpoint(int step, Path file) {}

    TrainingListener NONE = new TrainingListener() {};

    /** Reports training to {@code progress}: steps done (with loss and throughput as the status), each held-out loss as a note. */
    static TrainingListener reporting(ProgressListener progress) {
        return new TrainingListener() {
            @Override
            public void onStep(int step, int totalSteps, double loss, double lr, double tokensPerSecond) {
                progress.progress(
                        step,
                        totalSteps,
                        String.format(Locale.ROOT, "loss %.3f, %.0f tokens/s", loss, tokensPerSecond));
            }

            @Override
            public void onEval(int step, double heldOutLoss) {
                progress.note(String.format(Locale.ROOT, "step %d held-out loss %.4f", step, heldOutLoss));
            }
        };
    }
}

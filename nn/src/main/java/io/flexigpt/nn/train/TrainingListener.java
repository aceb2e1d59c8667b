package io.flexigpt.nn.train;

import java.nio.file.Path;

/** Receives progress from a {@link Trainer} (the CLI draws its progress bar from these calls). */
public interface TrainingListener {
    /** After each optimiser step: 1-based step, training loss, learning rate used, tokens per second so far. */
    default void onStep(int step, int totalSteps, double loss, double lr, double tokensPerSecond) {}

    /** After each held-out evaluation. */
    default void onEval(int step, double heldOutLoss) {}

    /** After a checkpoint was written. */
    default void onCheckpoint(int step, Path file) {}

    TrainingListener NONE = new TrainingListener() {};
}

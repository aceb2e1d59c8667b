package io.flexigpt.nn.train;

/**
 * Settings of a training run: {@code steps} optimiser steps on batches of {@code batchSize} windows of
 * {@code seqLen} tokens; AdamW with warm-up + cosine decay from {@code lr} to {@code minLr}, decoupled
 * weight decay on matrices only, global-norm clipping; held-out loss every {@code evalEvery} steps on
 * {@code evalWindows} windows; a checkpoint every {@code checkpointEvery} steps (0 = only at the end).
 * Build one with {@link #builder()}, or derive one with {@link #toBuilder()}.
 */
public record TrainConfig(
        int steps,
        int batchSize,
        int seqLen,
        double lr,
        double minLr,
        int warmupSteps,
        double weightDecay,
        double clipNorm,
        int evalEvery,
        int evalWindows,
        int checkpointEvery,
        long seed) {
    public TrainConfig {
        if (steps <= 0 || batchSize <= 0 || seqLen <= 0)
            throw new IllegalArgumentException("steps, batchSize and seqLen must be positive");
        if (warmupSteps < 0 || warmupSteps > steps)
            throw new IllegalArgumentException("warmupSteps must be in [0, steps]");
        if (lr <= 0 || minLr < 0 || weightDecay < 0 || clipNorm <= 0)
            throw new IllegalArgumentException("lr and clipNorm must be positive, minLr and weightDecay >= 0");
    }

    /**
     * A builder with defaults for everything but {@code steps}, {@code batchSize}, {@code seqLen} and
     * {@code lr}: no decay floor ({@code minLr} 0), no warm-up, no weight decay, clipping at norm 1, no
     * held-out evaluation, a checkpoint only at the end, seed 0.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return builder()
                .steps(steps)
                .batchSize(batchSize)
                .seqLen(seqLen)
                .lr(lr)
                .minLr(minLr)
                .warmupSteps(warmupSteps)
                .weightDecay(weightDecay)
                .clipNorm(clipNorm)
                .evalEvery(evalEvery)
                .evalWindows(evalWindows)
                .checkpointEvery(checkpointEvery)
                .seed(seed);
    }

    /** Collects a training run's settings by name; {@link #build()} validates them. */
    public static final class Builder {
        private int steps, batchSize, seqLen, warmupSteps, evalEvery, evalWindows, checkpointEvery;
        private double lr, minLr, weightDecay, clipNorm = 1.0;
        private long seed;

        private Builder() {}

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder seqLen(int v) {
            seqLen = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder minLr(double v) {
            minLr = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /** Held-out loss every {@code v} steps (0: never), on {@link #evalWindows(int)} windows. */
        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder evalWindows(int v) {
            evalWindows = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(
                    steps,
                    batchSize,
                    seqLen,
                    lr,
                    minLr,
                    warmupSteps,
                    weightDecay,
                    clipNorm,
                    evalEvery,
                    evalWindows,
                    checkpointEvery,
                    seed);
        }
    }
}

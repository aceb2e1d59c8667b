package io.flexigpt.nn.train;

/**
 * Settings of a training run: {@code steps} optimiser steps on batches of {@code batchSize} windows of
 * {@code seqLen} tokens; AdamW with warm-up + cosine decay from {@code lr} to {@code minLr}, decoupled
 * weight decay on matrices only, global-norm clipping; held-out loss every {@code evalEvery} steps on
 * {@code evalWindows} windows; a checkpoint every {@code checkpointEvery} steps (0 = only at the end).
 */
public record TrainConfig(int steps, int batchSize, int seqLen, double lr, double minLr, int warmupSteps,
                          double weightDecay, double clipNorm, int evalEvery, int evalWindows, int checkpointEvery, long seed) {
    public TrainConfig {
        if (steps <= 0 || batchSize <= 0 || seqLen <= 0) throw new IllegalArgumentException("steps, batchSize and seqLen must be positive");
        if (warmupSteps < 0 || warmupSteps > steps) throw new IllegalArgumentException("warmupSteps must be in [0, steps]");
        if (lr <= 0 || minLr < 0 || weightDecay < 0 || clipNorm <= 0) throw new IllegalArgumentException("lr and clipNorm must be positive, minLr and weightDecay >= 0");
    }
}

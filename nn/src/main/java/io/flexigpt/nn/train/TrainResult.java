package io.flexigpt.nn.train;

import java.util.List;

/**
 * What a training run did: the step it started from (non-zero after a resume), the step it reached, the
 * last training loss, the held-out losses by step, and whether it stopped early on request.
 */
public record TrainResult(
        int startStep,
        int endStep,
        double lastLoss,
        List<double[]> heldOutLosses,
        boolean stoppedEarly,
        double tokensPerSecond) {}

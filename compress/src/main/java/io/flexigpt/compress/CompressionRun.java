package io.flexigpt.compress;

/**
 * What one run of the {@link CompressionPipeline} made and measured: the compression (model, plan, sources),
 * the recovery that ran ({@code null} when none did: nothing to train, or no steps), the learning-rate choice
 * ({@code null} when the rate was fixed), the recovery's training loss per step (step 1 first; empty without
 * recovery), the measurement of the recovered model and the wall seconds of compression and recovery.
 */
public record CompressionRun(
        CompressionMethod method,
        CompressionResult compression,
        RecoverySettings recovery,
        LearningRateSearch.Choice lrChoice,
        double[] recoveryLosses,
        Measurement measurement,
        double compressionSeconds,
        double recoverySeconds) {
    public CompressionRun {
        recoveryLosses = recoveryLosses.clone();
    }

    /** Whether recovery training ran. */
    public boolean recovered() {
        return recovery != null;
    }

    @Override
    public double[] recoveryLosses() {
        return recoveryLosses.clone();
    }

    /** A model's held-out token perplexity, its parameter account and the wall seconds the measurement took. */
    public record Measurement(double heldOutPerplexity, ParameterAccount account, double seconds) {}
}

package io.flexigpt.compress;

import io.flexigpt.nn.train.TrainConfig;

/**
 * How a compressed model is trained back: {@code steps} AdamW steps of {@code batch} windows of
 * {@code seqLen} tokens, warm-up (10%) then cosine decay from the peak rate {@code lr} to a tenth of it,
 * global-norm clipping at 1, no weight decay (adapters start at a meaningful value, not at zero).
 * {@code steps == 0} means no recovery.
 */
public record RecoverySettings(int steps, int batch, int seqLen, double lr, long seed) {
    /**
     * The default peak rate. Adapters want a rate far above full training's: in 100-step trials on stories260K
     * at 40% the validation loss is lowest at 3e-2 for FlexiGPT, its ablations and drop + LoRA and at 1e-2 for
     * the no-sharing ablation, while 1e-1 degrades most of them and 1e-3 is far behind (README, Compression).
     */
    public static final double DEFAULT_LR = 2e-2;

    /** Default tokens of recovery: a useful model for small models in minutes on two cores. */
    public static final long DEFAULT_TOKENS = 400L * 8 * 128;

    /** The peak rates a validation sweep tries, the same for every method. */
    public static final double[] LR_GRID = {1e-3, 3e-3, 1e-2, 3e-2, 1e-1};

    public RecoverySettings {
        if (steps < 0) throw new IllegalArgumentException("recovery steps must be >= 0, got " + steps);
        if (batch < 1 || seqLen < 1)
            throw new IllegalArgumentException("recovery batch and window must be >= 1, got " + batch + " x " + seqLen);
        if (!(lr > 0) || Double.isInfinite(lr))
            throw new IllegalArgumentException("the peak learning rate must be a positive number, got " + lr);
    }

    /** Settings spending about {@code tokens} tokens (whole steps, at least one when {@code tokens > 0}). */
    public static RecoverySettings ofTokens(long tokens, int batch, int seqLen, double lr, long seed) {
        if (tokens < 0) throw new IllegalArgumentException("the recovery budget must be >= 0 tokens, got " + tokens);
        long perStep = (long) batch * seqLen;
        int steps = tokens == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, tokens / perStep));
        return new RecoverySettings(steps, batch, seqLen, lr, seed);
    }

    public long tokens() {
        return (long) steps * batch * seqLen;
    }

    public RecoverySettings withLr(double peak) {
        return new RecoverySettings(steps, batch, seqLen, peak, seed);
    }

    public RecoverySettings withSteps(int n) {
        return new RecoverySettings(n, batch, seqLen, lr, seed);
    }

    public RecoverySettings withSeed(long s) {
        return new RecoverySettings(steps, batch, seqLen, lr, s);
    }

    /**
     * The trainer's settings; the held-out loss is measured on {@code evalWindows} validation windows at the
     * end (and every {@code evalEvery} steps when positive), a checkpoint written every tenth of the run.
     */
    public TrainConfig trainConfig(int evalEvery, int evalWindows) {
        if (steps == 0) throw new IllegalStateException("no recovery steps to configure");
        return TrainConfig.builder()
                .steps(steps)
                .batchSize(batch)
                .seqLen(seqLen)
                .lr(lr)
                .minLr(lr / 10)
                .warmupSteps(Math.max(1, steps / 10))
                .evalEvery(evalEvery)
                .evalWindows(evalWindows)
                .checkpointEvery(Math.max(10, steps / 10))
                .seed(seed)
                .build();
    }

    /** One line saying what the recovery does, for output and reports. */
    public String describe() {
        if (steps == 0) return "no recovery training (0 tokens)";
        return String.format(
                java.util.Locale.ROOT,
                "recovery: %d steps x %d x %d = %,d tokens, peak lr %.3g (warm-up %d, cosine to %.3g), KL + CE",
                steps,
                batch,
                seqLen,
                tokens(),
                lr,
                Math.max(1, steps / 10),
                lr / 10);
    }
}

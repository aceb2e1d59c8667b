package io.flexigpt.compress;

/**
 * Settings of a FlexiGPT compression. Every component can be switched off so its effect can be
 * measured: {@code sourceSelection} RANDOM replaces the low-rank residual metric by a random kept block;
 * {@code init} LORA replaces the SVD initialisation by the standard LoRA one (B = 0); {@code sharing} false
 * drops the shared base (the pruned block becomes the rank-r SVD of its own weights); {@code outputNormalisation}
 * chooses the output feature normalisation (or none).
 */
public record FlexiGptConfig(
        double rate,
        RankSpec rank,
        boolean protectFirst,
        boolean protectLast,
        SourceSelection sourceSelection,
        AdapterInit init,
        boolean sharing,
        OutputNormalisation outputNormalisation,
        long seed) {

    /** How each pruned block's source is chosen. */
    public enum SourceSelection {
        METRIC,
        RANDOM
    }

    /** How adapters start. */
    public enum AdapterInit {
        SVD,
        LORA
    }

    /**
     * How a replacement's residual-branch outputs are normalised. {@code RMS_RATIO}: a per-channel scale
     * initialised to the calibration RMS ratio pruned/replacement, so the replacement starts matching the
     * pruned block's output statistics. {@code PAPER}: each branch output RMS-normalised, times a per-channel
     * gain initialised to {@link #PAPER_GAIN_INIT}, so the replacement starts close to "block dropped".
     * {@code NONE}: the branch outputs as they are.
     */
    public enum OutputNormalisation {
        RMS_RATIO,
        PAPER,
        NONE
    }

    /** The initial gain of a {@link OutputNormalisation#PAPER} normalisation. */
    public static final float PAPER_GAIN_INIT = 1e-6f;

    /** The method as published: metric-selected sources, SVD init, sharing, output normalisation. */
    public static FlexiGptConfig standard(double rate, RankSpec rank) {
        return new FlexiGptConfig(
                rate,
                rank,
                true,
                true,
                SourceSelection.METRIC,
                AdapterInit.SVD,
                true,
                OutputNormalisation.RMS_RATIO,
                1234);
    }

    public FlexiGptConfig withSourceSelection(SourceSelection s) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, s, init, sharing, outputNormalisation, seed);
    }

    public FlexiGptConfig withInit(AdapterInit i) {
        return new FlexiGptConfig(
                rate, rank, protectFirst, protectLast, sourceSelection, i, sharing, outputNormalisation, seed);
    }

    public FlexiGptConfig withSharing(boolean on) {
        return new FlexiGptConfig(
                rate, rank, protectFirst, protectLast, sourceSelection, init, on, outputNormalisation, seed);
    }

    public FlexiGptConfig withOutputNormalisation(OutputNormalisation n) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, sourceSelection, init, sharing, n, seed);
    }

    public FlexiGptConfig withSeed(long s) {
        return new FlexiGptConfig(
                rate, rank, protectFirst, protectLast, sourceSelection, init, sharing, outputNormalisation, s);
    }

    /** {@link OutputNormalisation#RMS_RATIO} when on, {@link OutputNormalisation#NONE} when off. */
    public FlexiGptConfig withOutputScales(boolean on) {
        return withOutputNormalisation(on ? OutputNormalisation.RMS_RATIO : OutputNormalisation.NONE);
    }
}

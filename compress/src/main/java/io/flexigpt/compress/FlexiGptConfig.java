package io.flexigpt.compress;

/**
 * Settings of a FlexiGPT compression. Every component can be switched off so its effect can be
 * measured: {@code sourceSelection} RANDOM replaces the low-rank residual metric by a random kept block;
 * {@code init} LORA replaces the SVD initialisation by the standard LoRA one (B = 0); {@code sharing} false
 * drops the shared base (the pruned block becomes the rank-r SVD of its own weights); {@code outputScales}
 * false drops the output feature normalisation.
 */
public record FlexiGptConfig(double rate, RankSpec rank, boolean protectFirst, boolean protectLast, SourceSelection sourceSelection,
                             AdapterInit init, boolean sharing, boolean outputScales, long seed) {

    /** How each pruned block's source is chosen. */
    public enum SourceSelection { METRIC, RANDOM }

    /** How adapters start. */
    public enum AdapterInit { SVD, LORA }

    /** The method as published: metric-selected sources, SVD init, sharing, output normalisation. */
    public static FlexiGptConfig standard(double rate, RankSpec rank) {
        return new FlexiGptConfig(rate, rank, true, true, SourceSelection.METRIC, AdapterInit.SVD, true, true, 1234);
    }

    public FlexiGptConfig withSourceSelection(SourceSelection s) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, s, init, sharing, outputScales, seed);
    }

    public FlexiGptConfig withInit(AdapterInit i) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, sourceSelection, i, sharing, outputScales, seed);
    }

    public FlexiGptConfig withSharing(boolean on) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, sourceSelection, init, on, outputScales, seed);
    }

    public FlexiGptConfig withOutputScales(boolean on) {
        return new FlexiGptConfig(rate, rank, protectFirst, protectLast, sourceSelection, init, sharing, on, seed);
    }
}

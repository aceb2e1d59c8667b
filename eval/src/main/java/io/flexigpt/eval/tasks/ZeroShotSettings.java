package io.flexigpt.eval.tasks;

/**
 * How a task is run.
 *
 * @param batchSize requests (context + continuation sequences) per call to the model
 * @param prependBos whether contexts are encoded with a leading BOS. lm-evaluation-harness 0.4 encodes
 *     without special tokens for Hugging Face models; llama2.c-style checkpoints are trained with BOS
 *     at the start of every text, hence the switch. An empty context is always replaced by BOS.
 * @param limit evaluate at most this many items, a seeded random subset (see {@link Task#subsample});
 *     0 means all items
 * @param seed seed of the subset when {@code limit} applies
 */
public record ZeroShotSettings(int batchSize, boolean prependBos, int limit, long seed) {

    /** lm-evaluation-harness's default seed. */
    public static final long DEFAULT_SEED = 1234;

    public ZeroShotSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
    }

    /** All items, BOS prepended, the given batch size. */
    public static ZeroShotSettings all(int batchSize) {
        return new ZeroShotSettings(batchSize, true, 0, DEFAULT_SEED);
    }
}

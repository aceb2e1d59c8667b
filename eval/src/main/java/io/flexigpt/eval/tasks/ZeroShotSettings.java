package io.flexigpt.eval.tasks;

/**
 * How a task is run.
 *
 * @param batchSize requests (context + continuation sequences) per call to the model
 * @param prependBos whether contexts are encoded with a leading BOS. lm-evaluation-harness 0.4.0–0.4.9.1
 *     encodes without special tokens; from 0.4.9.2 it follows the tokenizer's own {@code add_bos_token};
 *     llama2.c-style checkpoints are trained with BOS at the start of every text. An empty context is
 *     always replaced by BOS.
 * @param limit evaluate only the first {@code limit} items (of the sample, when there is one), as
 *     lm-evaluation-harness's {@code --limit} does; 0 means all
 * @param sample evaluate a seeded random subset of this many items (see {@link Task#subsample}); 0 means none
 * @param seed seed of the subset when {@code sample} applies
 */
public record ZeroShotSettings(int batchSize, boolean prependBos, int limit, int sample, long seed) {

    /** lm-evaluation-harness's default seed. */
    public static final long DEFAULT_SEED = 1234;

    public ZeroShotSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
        if (sample < 0) {
            throw new IllegalArgumentException("sample must be 0 (none) or positive, got " + sample);
        }
    }

    /** The first {@code limit} items (0: all), no random subset. */
    public ZeroShotSettings(int batchSize, boolean prependBos, int limit, long seed) {
        this(batchSize, prependBos, limit, 0, seed);
    }

    /** All items, BOS prepended, the given batch size. */
    public static ZeroShotSettings all(int batchSize) {
        return new ZeroShotSettings(batchSize, true, 0, 0, DEFAULT_SEED);
    }
}

package io.flexigpt.eval;

/**
 * Told how far a long evaluation has come, after every batched call to the model. The unit is stated
 * by the evaluator (tokens for perplexity, requests for zero-shot tasks).
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /** {@code done} of {@code total} units are finished; called with non-decreasing {@code done}. */
    void progress(long done, long total);
}

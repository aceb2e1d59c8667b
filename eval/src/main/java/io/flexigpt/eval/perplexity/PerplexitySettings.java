package io.flexigpt.eval.perplexity;

/**
 * How perplexity is measured.
 *
 * @param contextLength tokens the model runs on per window (Hugging Face's {@code max_length},
 *     SLEB's {@code seqlen}); at most the model's {@code maxContext()}
 * @param stride distance between window starts in {@link WindowMode#SLIDING} mode; equal to
 *     {@code contextLength} in the other modes
 * @param mode how windows are laid out
 * @param batchSize windows per call to the model
 */
public record PerplexitySettings(int contextLength, int stride, WindowMode mode, int batchSize) {

    /**
     * The longest window used when no context length is asked for: a window's logits alone are
     * {@code contextLength × vocabulary} floats (8,192 × 49,152 is 1.6 GB), so models that allow long
     * contexts are scored on windows of this length unless told otherwise.
     */
    public static final int DEFAULT_CONTEXT_CAP = 2048;

    /** The context length used when none is asked for: the model's, capped at {@link #DEFAULT_CONTEXT_CAP}. */
    public static int defaultContext(int modelContext) {
        if (modelContext < 1) throw new IllegalArgumentException("model context must be positive, got " + modelContext);
        return Math.min(modelContext, DEFAULT_CONTEXT_CAP);
    }

    public PerplexitySettings {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be at least 2, got " + contextLength);
        }
        if (stride < 1 || stride > contextLength) {
            throw new IllegalArgumentException("stride must be in 1.." + contextLength + ", got " + stride);
        }
        if (mode != WindowMode.SLIDING && stride != contextLength) {
            throw new IllegalArgumentException(mode + " windows need stride == contextLength");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
    }

    /** Disjoint windows of {@code contextLength} tokens (SLEB / ShortGPT style). */
    public static PerplexitySettings nonOverlapping(int contextLength, int batchSize) {
        return new PerplexitySettings(contextLength, contextLength, WindowMode.NON_OVERLAPPING, batchSize);
    }

    /** The Hugging Face sliding-window recipe. */
    public static PerplexitySettings sliding(int contextLength, int stride, int batchSize) {
        return new PerplexitySettings(contextLength, stride, WindowMode.SLIDING, batchSize);
    }

    /** lm-evaluation-harness rolling windows. */
    public static PerplexitySettings rolling(int contextLength, int batchSize) {
        return new PerplexitySettings(contextLength, contextLength, WindowMode.ROLLING, batchSize);
    }
}

package io.flexigpt.eval.perplexity;

/** How a long token sequence is cut into windows the model can score. */
public enum WindowMode {
    /**
     * Consecutive disjoint windows of {@code contextLength} tokens, each scoring all its tokens but the
     * first; a tail shorter than a window is dropped. This is what pruning papers such as SLEB and
     * ShortGPT report; it does not score every token.
     */
    NON_OVERLAPPING,
    /**
     * The Hugging Face sliding-window recipe: windows of {@code contextLength} tokens start every
     * {@code stride} tokens and each scores only the tokens the previous windows did not, so each of
     * them sees up to {@code contextLength - stride} tokens of extra context. With {@code stride <
     * contextLength} every token is scored exactly once; {@code stride == contextLength} is
     * {@link #NON_OVERLAPPING} without dropping the tail.
     */
    SLIDING,
    /**
     * lm-evaluation-harness's rolling windows (context length 1): the BOS token is the prefix, then
     * disjoint blocks of up to {@code contextLength} predicted tokens, each conditioned on the
     * {@code contextLength} tokens before its last one. Every token is scored exactly once.
     */
    ROLLING
}

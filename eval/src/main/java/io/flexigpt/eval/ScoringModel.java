package io.flexigpt.eval;

import io.flexigpt.nn.tokenizer.Tokenizer;
import java.util.List;

/**
 * A causal language model seen only through the log-probabilities it assigns to token sequences: all
 * that perplexity and zero-shot evaluation need. Implementations run the model on every token of a
 * sequence but the last, so a sequence may hold up to {@link #maxContext()} + 1 tokens.
 */
public interface ScoringModel {

    /** The longest input the model runs on at once (its positional context). */
    int maxContext();

    /** The tokenizer that produced the token ids the model scores. */
    Tokenizer tokenizer();

    /**
     * Scores a batch of sequences. For sequence {@code b}, the result holds, for every position
     * {@code i} with {@code scoreFrom[b] <= i < sequences.get(b).length}, the natural-log probability
     * {@code log p(tokens[i] | tokens[0..i-1])} and whether {@code tokens[i]} was the model's greedy
     * (argmax) prediction. Requires {@code 1 <= scoreFrom[b] < length <= maxContext() + 1}.
     *
     * @return one {@link TokenScores} per sequence, in order
     */
    List<TokenScores> score(List<int[]> sequences, int[] scoreFrom);
}

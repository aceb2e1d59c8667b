package io.flexigpt.eval.testing;

import io.flexigpt.eval.ScoringModel;
import io.flexigpt.eval.TokenScores;
import io.flexigpt.nn.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bigram language model given by its probability table {@code p[previous][next]}: its
 * log-probabilities are known exactly. It checks the {@link ScoringModel} contract on every call and
 * records what it was asked.
 */
public final class TableModel implements ScoringModel {
    private final Tokenizer tokenizer;
    private final int maxContext;
    private final double[][] probabilities;
    /** Batch sizes of the calls, in order. */
    public final List<Integer> batchSizes = new ArrayList<>();
    /** Every scored token id, in the order scored. */
    public final List<Integer> scoredTokens = new ArrayList<>();

    public TableModel(Tokenizer tokenizer, int maxContext, double[][] probabilities) {
        this.tokenizer = tokenizer;
        this.maxContext = maxContext;
        this.probabilities = probabilities;
    }

    /** Every token equally likely after every token: perplexity is the vocabulary size. */
    public static TableModel uniform(Tokenizer tokenizer, int maxContext) {
        int v = tokenizer.vocabSize();
        double[][] p = new double[v][v];
        for (double[] row : p) {
            Arrays.fill(row, 1.0 / v);
        }
        return new TableModel(tokenizer, maxContext, p);
    }

    /** The same distribution after every token. */
    public static TableModel unigram(Tokenizer tokenizer, int maxContext, double[] distribution) {
        double[][] p = new double[tokenizer.vocabSize()][];
        Arrays.fill(p, distribution);
        return new TableModel(tokenizer, maxContext, p);
    }

    @Override
    public int maxContext() {
        return maxContext;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public List<TokenScores> score(List<int[]> sequences, int[] scoreFrom) {
        if (sequences.size() != scoreFrom.length) {
            throw new AssertionError("sequences and scoreFrom differ in length");
        }
        batchSizes.add(sequences.size());
        List<TokenScores> result = new ArrayList<>();
        for (int b = 0; b < sequences.size(); b++) {
            int[] tokens = sequences.get(b);
            int from = scoreFrom[b];
            if (from < 1 || from >= tokens.length || tokens.length > maxContext + 1) {
                throw new AssertionError("contract broken: scoreFrom " + from + ", length " + tokens.length
                        + ", maxContext " + maxContext);
            }
            double[] logProbs = new double[tokens.length - from];
            boolean[] greedy = new boolean[tokens.length - from];
            for (int i = from; i < tokens.length; i++) {
                double[] row = probabilities[tokens[i - 1]];
                logProbs[i - from] = Math.log(row[tokens[i]]);
                greedy[i - from] = argmax(row) == tokens[i];
                scoredTokens.add(tokens[i]);
            }
            result.add(new TokenScores(logProbs, greedy));
        }
        return result;
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}

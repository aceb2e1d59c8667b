package io.flexigpt.eval;

import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LanguageModel} as a {@link ScoringModel}, wherever it runs: sequences are right-padded into
 * batches (causal attention keeps padding from influencing earlier positions), run without recording a
 * graph, and each scored token's log-probability is read from a log-softmax computed in double.
 */
public final class LlamaScoringModel implements ScoringModel {
    /** Upper bound on batch × time × vocab logits held at once. */
    private static final long MAX_LOGITS = 1L << 25;

    private final LanguageModel model;
    private final int vocab;
    private final Tokenizer tokenizer;
    private final int maxContext;

    public LlamaScoringModel(LanguageModel model, Tokenizer tokenizer) {
        this(model, tokenizer, model.config().maxSeqLen());
    }

    /** Scores with at most {@code maxContext} input positions (no more than the model's own context). */
    public LlamaScoringModel(LanguageModel model, Tokenizer tokenizer, int maxContext) {
        LlamaConfig config = model.config();
        if (maxContext < 1 || maxContext > config.maxSeqLen()) {
            throw new IllegalArgumentException(
                    "maxContext " + maxContext + " must be in [1, " + config.maxSeqLen() + "]");
        }
        this.model = model;
        this.vocab = config.vocabSize();
        this.tokenizer = tokenizer;
        this.maxContext = maxContext;
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
        List<TokenScores> out = new ArrayList<>(sequences.size());
        int start = 0;
        while (start < sequences.size()) {
            int end = start, longest = 0;
            while (end < sequences.size()) {
                int len = sequences.get(end).length - 1;
                int nextLongest = Math.max(longest, len);
                if (end > start && (long) (end - start + 1) * nextLongest * vocab > MAX_LOGITS) break;
                longest = nextLongest;
                end++;
            }
            out.addAll(scoreBatch(sequences.subList(start, end), scoreFrom, start, longest));
            start = end;
        }
        return out;
    }

    private List<TokenScores> scoreBatch(List<int[]> batch, int[] scoreFrom, int firstIndex, int length) {
        int[][] inputs = new int[batch.size()][length];
        for (int b = 0; b < batch.size(); b++) {
            int[] seq = batch.get(b);
            int from = scoreFrom[firstIndex + b];
            if (seq.length - 1 > maxContext || from < 1 || from >= seq.length) {
                throw new IllegalArgumentException("sequence " + (firstIndex + b) + " of " + seq.length
                        + " tokens with scoreFrom " + from + " does not fit a context of " + maxContext);
            }
            System.arraycopy(seq, 0, inputs[b], 0, seq.length - 1);
        }
        Tensor logits = model.logits(inputs);
        List<TokenScores> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] seq = batch.get(b);
            int from = scoreFrom[firstIndex + b];
            double[] logProbs = new double[seq.length - from];
            boolean[] greedy = new boolean[seq.length - from];
            for (int i = from; i < seq.length; i++) {
                float[] row = logits.select(0, b).select(0, i - 1).toFloatArray();
                int target = seq[i];
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int v = 0; v < row.length; v++) {
                    if (row[v] > max) {
                        max = row[v];
                        arg = v;
                    }
                }
                double sum = 0;
                for (float l : row) sum += Math.exp(l - max);
                logProbs[i - from] = row[target] - max - Math.log(sum);
                greedy[i - from] = arg == target;
            }
            out.add(new TokenScores(logProbs, greedy));
        }
        return out;
    }
}

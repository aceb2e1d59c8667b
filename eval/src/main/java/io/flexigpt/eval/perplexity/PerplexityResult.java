package io.flexigpt.eval.perplexity;

import io.flexigpt.eval.EvalResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a perplexity run: the summed negative log-likelihood (natural log) and what it is
 * divided by. Token perplexity is always defined; the harness's word perplexity, byte perplexity and
 * bits per byte only when every token was scored ({@link #coversEveryToken()}), since their
 * denominators count the whole text.
 *
 * @param documents number of documents
 * @param tokens text tokens over all documents (BOS not counted)
 * @param scoredTokens tokens whose log-probability entered the sum
 * @param negLogLikelihood {@code -sum log p} over the scored tokens
 * @param words whitespace-split word count of the documents' counted text (as lm-evaluation-harness
 *     counts; see {@link Document#countedText()})
 * @param bytes UTF-8 byte count of the documents' counted text
 */
public record PerplexityResult(
        PerplexitySettings settings,
        int documents,
        long tokens,
        long scoredTokens,
        double negLogLikelihood,
        long words,
        long bytes) {

    /** Metric name of {@link #tokenPerplexity()}. */
    public static final String TOKEN_PERPLEXITY = "token_perplexity";
    /** Metric name of {@link #wordPerplexity()}. */
    public static final String WORD_PERPLEXITY = "word_perplexity";
    /** Metric name of {@link #bytePerplexity()}. */
    public static final String BYTE_PERPLEXITY = "byte_perplexity";
    /** Metric name of {@link #bitsPerByte()}. */
    public static final String BITS_PER_BYTE = "bits_per_byte";

    public PerplexityResult {
        if (scoredTokens < 1) {
            throw new IllegalArgumentException("no token was scored");
        }
        if (!Double.isFinite(negLogLikelihood)) {
            throw new ArithmeticException("the model's negative log-likelihood over " + scoredTokens + " tokens is "
                    + negLogLikelihood + "; no perplexity to report");
        }
    }

    /** Whether every text token was scored exactly once. */
    public boolean coversEveryToken() {
        return scoredTokens == tokens;
    }

    /** {@code exp(NLL / scored tokens)}. */
    public double tokenPerplexity() {
        return Math.exp(negLogLikelihood / scoredTokens);
    }

    /** {@code exp(NLL / words)}; requires {@link #coversEveryToken()}. */
    public double wordPerplexity() {
        return Math.exp(negLogLikelihood / wholeText(words));
    }

    /** {@code exp(NLL / bytes)}; requires {@link #coversEveryToken()}. */
    public double bytePerplexity() {
        return Math.exp(negLogLikelihood / wholeText(bytes));
    }

    /** {@code NLL / bytes / ln 2}; requires {@link #coversEveryToken()}. */
    public double bitsPerByte() {
        return negLogLikelihood / wholeText(bytes) / Math.log(2);
    }

    /**
     * The metrics as report rows: token perplexity always, and the three whole-text metrics when
     * every token was scored. {@code n} is the denominator of each metric.
     */
    public List<EvalResult> toResults(String model, String task) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("window_mode", settings.mode());
        run.put("context_length", settings.contextLength());
        run.put("stride", settings.stride());
        run.put("documents", documents);
        run.put("tokens", tokens);
        run.put("scored_tokens", scoredTokens);
        run.put("words", words);
        run.put("bytes", bytes);
        List<EvalResult> results = new ArrayList<>();
        results.add(new EvalResult(model, task, TOKEN_PERPLEXITY, tokenPerplexity(), Double.NaN, scoredTokens, run));
        if (coversEveryToken()) {
            results.add(new EvalResult(model, task, WORD_PERPLEXITY, wordPerplexity(), Double.NaN, words, run));
            results.add(new EvalResult(model, task, BYTE_PERPLEXITY, bytePerplexity(), Double.NaN, bytes, run));
            results.add(new EvalResult(model, task, BITS_PER_BYTE, bitsPerByte(), Double.NaN, bytes, run));
        }
        return results;
    }

    private long wholeText(long count) {
        if (!coversEveryToken()) {
            throw new IllegalStateException(settings.mode() + " windows scored " + scoredTokens + " of " + tokens
                    + " tokens; whole-text metrics need every token scored (use ROLLING or SLIDING)");
        }
        return count;
    }
}

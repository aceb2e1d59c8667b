package io.flexigpt.eval.perplexity;

/**
 * One document to score: the text the model reads and the text whose whitespace-split words and UTF-8
 * bytes divide the log-likelihood for word and byte perplexity. The two differ when the text is
 * preprocessed before scoring, as lm-evaluation-harness's wikitext task counts the article before
 * detokenization.
 *
 * @param text what the model scores
 * @param countedText what word and byte counts are taken on
 */
public record Document(String text, String countedText) {

    /** A document scored and counted as it is. */
    public static Document of(String text) {
        return new Document(text, text);
    }
}

package io.flexigpt.compress;

import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.TokenDataset;
import java.util.List;

/**
 * A corpus cut into three disjoint runs of whole documents, in order: {@code train} (calibration and
 * recovery), {@code validation} (choosing the learning rate, the recovery's held-out loss) and {@code test}
 * (the perplexity that is reported). No document is in two parts, so nothing tuned ever sees the test text.
 */
public record TextSplit(List<String> train, List<String> validation, List<String> test) {
    /** The fractions of the documents that {@link #of} puts into validation and test. */
    public static final double VALIDATION_FRACTION = 0.05, TEST_FRACTION = 0.1;

    public TextSplit {
        if (train.isEmpty() || validation.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("a split needs at least one document in each part; got " + train.size()
                    + " train, " + validation.size() + " validation, " + test.size() + " test");
        }
    }

    /** The document separator line of TinyStories-style corpora, recognised by {@link #of(String)}. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /**
     * As {@link #of(String, String)}, with documents separated by {@link #END_OF_TEXT} lines when the text has
     * any, else by blank lines.
     */
    public static TextSplit of(String text) {
        return of(text, separatorOf(text));
    }

    /** {@link #END_OF_TEXT} when a line of {@code text} is exactly that (trimmed), else null (blank lines). */
    public static String separatorOf(String text) {
        return text.lines().anyMatch(l -> l.trim().equals(END_OF_TEXT)) ? END_OF_TEXT : null;
    }

    /**
     * The documents of {@code text} (separated by lines equal to {@code separator}, or blank lines when null):
     * the last {@link #TEST_FRACTION} are the test part, the {@link #VALIDATION_FRACTION} before them the
     * validation part (at least one document each), the rest the training part.
     */
    public static TextSplit of(String text, String separator) {
        List<String> docs = TokenDataset.documents(text, separator);
        if (docs.size() < 3)
            throw new IllegalArgumentException(
                    "the text holds " + docs.size() + " document(s); train, validation and test need at least 3");
        int test = Math.max(1, (int) Math.round(docs.size() * TEST_FRACTION));
        int validation = Math.max(1, (int) Math.round(docs.size() * VALIDATION_FRACTION));
        int cut = docs.size() - test - validation;
        if (cut < 1)
            throw new IllegalArgumentException(
                    "the text holds " + docs.size() + " documents: too few for train, validation and test");
        return new TextSplit(
                docs.subList(0, cut), docs.subList(cut, cut + validation), docs.subList(cut + validation, docs.size()));
    }

    /**
     * Training and validation documents of {@code trainText} as {@link #of} cuts them (its test part is left
     * out), with the test part given by the separate {@code testText}.
     */
    public static TextSplit withTestText(String trainText, String separator, String testText) {
        TextSplit s = of(trainText, separator);
        return new TextSplit(s.train, s.validation, TokenDataset.documents(testText, null));
    }

    /** The recovery data: training documents to sample windows from, validation documents as the held-out part. */
    public TokenDataset recoveryData(Tokenizer tokenizer) {
        return new TokenDataset(
                TokenDataset.encodeAll(train, tokenizer), TokenDataset.encodeAll(validation, tokenizer));
    }
}

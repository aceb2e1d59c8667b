package io.flexigpt.eval.perplexity;

import io.flexigpt.eval.ScoringModel;
import io.flexigpt.eval.TokenScores;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures perplexity of a {@link ScoringModel} on text. Each document is encoded with a leading BOS
 * (as Hugging Face's Llama tokenizer does), cut into windows by {@link PerplexitySettings#mode()},
 * and the windows are sent to the model {@code batchSize} at a time. Progress is reported in scored
 * tokens.
 */
public final class PerplexityEvaluator {
    private final ScoringModel model;
    private final PerplexitySettings settings;

    public PerplexityEvaluator(ScoringModel model, PerplexitySettings settings) {
        if (settings.contextLength() > model.maxContext()) {
            throw new IllegalArgumentException("contextLength " + settings.contextLength()
                    + " exceeds the model's context of " + model.maxContext());
        }
        this.model = model;
        this.settings = settings;
    }

    /** Perplexity of a UTF-8 text file taken as one document. */
    public PerplexityResult evaluateFile(Path textFile, ProgressListener listener) throws IOException {
        return evaluateFile(textFile, TextFormat.PLAIN, listener);
    }

    /** Perplexity of a UTF-8 text file read as the documents {@code format} makes of it. */
    public PerplexityResult evaluateFile(Path textFile, TextFormat format, ProgressListener listener)
            throws IOException {
        return evaluateDocuments(format.documents(readUtf8(textFile)), listener);
    }

    /** Perplexity over texts, each a document scored and counted as it is. */
    public PerplexityResult evaluate(List<String> documents, ProgressListener listener) {
        return evaluateDocuments(documents.stream().map(Document::of).toList(), listener);
    }

    /**
     * Perplexity over documents encoded and windowed separately; the sums run over all of them. Words
     * and bytes are counted on each document's {@link Document#countedText()}.
     */
    public PerplexityResult evaluateDocuments(List<Document> documents, ProgressListener listener) {
        List<int[]> encoded = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        long tokens = 0;
        long words = 0;
        long bytes = 0;
        for (Document document : documents) {
            int[] ids = model.tokenizer().encode(document.text(), true, false);
            windows.addAll(WindowPlan.windows(encoded.size(), ids.length, settings));
            encoded.add(ids);
            tokens += ids.length - 1;
            words += TextCounts.words(document.countedText());
            bytes += TextCounts.bytes(document.countedText());
        }
        long total = windows.stream().mapToLong(Window::scored).sum();
        if (total == 0) {
            throw new IllegalArgumentException("the text (" + tokens + " tokens) is too short for one "
                    + settings.mode() + " window of " + settings.contextLength() + " tokens");
        }
        double negLogLikelihood = 0;
        long done = 0;
        for (int first = 0; first < windows.size(); first += settings.batchSize()) {
            List<Window> batch = windows.subList(first, Math.min(first + settings.batchSize(), windows.size()));
            negLogLikelihood -= scoreBatch(batch, encoded);
            done += batch.stream().mapToLong(Window::scored).sum();
            listener.progress(done, total);
        }
        return new PerplexityResult(settings, documents.size(), tokens, total, negLogLikelihood, words, bytes);
    }

    private double scoreBatch(List<Window> batch, List<int[]> encoded) {
        List<int[]> sequences = new ArrayList<>(batch.size());
        int[] scoreFrom = new int[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            Window w = batch.get(b);
            sequences.add(Arrays.copyOfRange(encoded.get(w.document()), w.start(), w.end()));
            scoreFrom[b] = w.scoreFrom() - w.start();
        }
        List<TokenScores> scores = model.score(sequences, scoreFrom);
        if (scores.size() != batch.size()) {
            throw new IllegalStateException(
                    "model returned " + scores.size() + " results for " + batch.size() + " windows");
        }
        double logLikelihood = 0;
        for (int b = 0; b < batch.size(); b++) {
            TokenScores s = scores.get(b);
            if (s.count() != batch.get(b).scored()) {
                throw new IllegalStateException("model returned " + s.count() + " scores for a window with "
                        + batch.get(b).scored() + " scored tokens");
            }
            logLikelihood += s.sum();
        }
        return logLikelihood;
    }

    private static String readUtf8(Path file) throws IOException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file + ": not valid UTF-8 text", e);
        }
    }
}

package io.flexigpt.compress;

import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a compressed model is measured on: {@code documents} that neither calibration, recovery nor the
 * choice of a learning rate saw, scored by token perplexity over non-overlapping windows of {@code window}
 * tokens (eval's perplexity evaluator, 8 windows per call).
 */
public record HeldOutText(Tokenizer tokenizer, List<String> documents, int window) {
    public HeldOutText {
        documents = List.copyOf(documents);
        if (documents.isEmpty()) throw new IllegalArgumentException("no held-out documents to measure on");
        if (window < 1) throw new IllegalArgumentException("the perplexity window must be >= 1 token, got " + window);
    }

    /**
     * The last {@code fraction} (at least one) of the blank-line separated documents of {@code text}, joined
     * into one document: the part that {@link io.flexigpt.nn.train.TokenDataset#encode} holds out.
     */
    public static List<String> lastDocuments(String text, double fraction) {
        List<String> docs = new ArrayList<>();
        for (String d : text.split("\\n\\s*\\n")) if (!d.isBlank()) docs.add(d.strip());
        int n = Math.max(1, (int) Math.round(docs.size() * fraction));
        return List.of(String.join("\n\n", docs.subList(docs.size() - n, docs.size())));
    }

    /** The token perplexity of {@code model} on the documents; a non-finite perplexity is an error. */
    public double perplexity(LlamaModel model) {
        return perplexity(model, ProgressListener.NONE);
    }

    /** As {@link #perplexity(LlamaModel)}, telling {@code progress} how many tokens are scored. */
    public double perplexity(LlamaModel model, ProgressListener progress) {
        LlamaScoringModel scoring = new LlamaScoringModel(model, tokenizer, window);
        double ppl = new PerplexityEvaluator(scoring, PerplexitySettings.nonOverlapping(window, 8))
                .evaluate(documents, progress)
                .tokenPerplexity();
        if (!Double.isFinite(ppl))
            throw new ArithmeticException("held-out perplexity is " + ppl + "; the model's outputs are not finite");
        return ppl;
    }
}

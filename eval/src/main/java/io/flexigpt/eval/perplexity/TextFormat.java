package io.flexigpt.eval.perplexity;

import java.util.ArrayList;
import java.util.List;

/** How the text of a file becomes the documents perplexity is measured on. */
public enum TextFormat {
    /** The whole file is one document, scored and counted as it is. */
    PLAIN,
    /**
     * A raw WikiText file, scored as lm-evaluation-harness's {@code wikitext} task scores it: one
     * document per article ({@link WikiText#articles}), the model reads the detokenized article
     * ({@link WikiText#detokenize}), and words and bytes are counted on the article before
     * detokenization, {@code len(re.split(r"\s+", page))} and its UTF-8 length, as the task does.
     */
    WIKITEXT;

    /** The documents of a file whose content is {@code text}. */
    public List<Document> documents(String text) {
        if (this == PLAIN) {
            return List.of(Document.of(text));
        }
        List<Document> documents = new ArrayList<>();
        for (String article : WikiText.articles(text)) {
            documents.add(new Document(WikiText.detokenize(article), article));
        }
        return documents;
    }
}

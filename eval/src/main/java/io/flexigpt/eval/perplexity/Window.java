package io.flexigpt.eval.perplexity;

/**
 * One call's worth of a document: the model reads tokens {@code [start, end)} and scores positions
 * {@code [scoreFrom, end)}, all indices into the document's token array (position 0 is BOS).
 */
record Window(int document, int start, int end, int scoreFrom) {

    int scored() {
        return end - scoreFrom;
    }
}

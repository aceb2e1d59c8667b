package io.flexigpt.eval.perplexity;

import java.nio.charset.StandardCharsets;

/** The word and byte counts lm-evaluation-harness divides by, taken on the original text. */
final class TextCounts {
    private TextCounts() {}

    /**
     * {@code len(re.split(r"\s+", text))} in Python: one more than the number of maximal whitespace
     * runs, so leading or trailing whitespace counts an empty word, as the harness counts it.
     */
    static long words(String text) {
        long runs = 0;
        boolean inRun = false;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            boolean space = isPythonWhitespace(codePoint);
            if (space && !inRun) {
                runs++;
            }
            inRun = space;
            i += Character.charCount(codePoint);
        }
        return runs + 1;
    }

    /** {@code len(text.encode("utf-8"))}. */
    static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Python's {@code str.isspace()}: bidirectional class WS, B or S, or a space separator. */
    static boolean isPythonWhitespace(int codePoint) {
        if (Character.isSpaceChar(codePoint)) {
            return true;
        }
        byte direction = Character.getDirectionality(codePoint);
        return direction == Character.DIRECTIONALITY_WHITESPACE
                || direction == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || direction == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
    }
}

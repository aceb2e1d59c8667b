package io.flexigpt.eval.tasks;

import java.util.Locale;
import java.util.regex.Pattern;

/** lm-evaluation-harness's HellaSwag text clean-up and Python's {@code str.capitalize}. */
final class HellaSwagText {
    private static final Pattern BRACKETED = Pattern.compile("\\[.*?\\]");

    private HellaSwagText() {}

    /** Strip, {@code " [title]"} to {@code ". "}, drop {@code [...]} spans, halve double spaces. */
    static String preprocess(String text) {
        String cleaned = text.strip().replace(" [title]", ". ");
        cleaned = BRACKETED.matcher(cleaned).replaceAll("");
        return cleaned.replace("  ", " ");
    }

    /** First character in title case, the rest in lower case. */
    static String capitalize(String text) {
        if (text.isEmpty()) {
            return text;
        }
        int first = text.codePointAt(0);
        int rest = Character.charCount(first);
        return new StringBuilder()
                .appendCodePoint(Character.toTitleCase(first))
                .append(text.substring(rest).toLowerCase(Locale.ROOT))
                .toString();
    }
}

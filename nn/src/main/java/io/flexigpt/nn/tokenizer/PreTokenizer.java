package io.flexigpt.nn.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits normalized text into the words BPE encodes separately (Hugging Face pre-tokenizers). */
interface PreTokenizer {
    /** GPT-2's split pattern (Unicode letters, numbers and whitespace, as the original regex engine has them). */
    Pattern GPT2_PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** The words of {@code text}; {@code atStart} tells whether it begins the whole input. */
    List<String> split(String text, boolean atStart);

    /** No splitting. */
    PreTokenizer NONE = (text, atStart) -> List.of(text);

    /** Applies each step to every word the previous steps produced. */
    static PreTokenizer sequence(List<PreTokenizer> steps) {
        return (text, atStart) -> {
            List<String> words = List.of(text);
            for (PreTokenizer step : steps) {
                List<String> next = new ArrayList<>();
                for (int i = 0; i < words.size(); i++) next.addAll(step.split(words.get(i), atStart && i == 0));
                words = next;
            }
            return words;
        };
    }

    /** SentencePiece style: spaces become {@code replacement}, which is prepended as configured and starts each word. */
    static PreTokenizer metaspace(char replacement, boolean prependAlways, boolean prependFirst, boolean split) {
        return (text, atStart) -> {
            String s = text.replace(' ', replacement);
            if ((prependAlways || (prependFirst && atStart)) && !s.isEmpty() && s.charAt(0) != replacement)
                s = replacement + s;
            if (!split) return List.of(s);
            List<String> words = new ArrayList<>();
            int start = 0;
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i) == replacement) {
                    words.add(s.substring(start, i));
                    start = i;
                }
            }
            if (start < s.length()) words.add(s.substring(start));
            return words;
        };
    }

    /** GPT-2 style: optionally a leading space, the GPT-2 split, then bytes written in the byte-level alphabet. */
    static PreTokenizer byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return (text, atStart) -> {
            String s = addPrefixSpace && !text.startsWith(" ") ? " " + text : text;
            List<String> words = new ArrayList<>();
            if (useRegex) {
                Matcher m = GPT2_PATTERN.matcher(s);
                while (m.find()) words.add(ByteLevelAlphabet.encode(m.group()));
            } else if (!s.isEmpty()) {
                words.add(ByteLevelAlphabet.encode(s));
            }
            return words;
        };
    }

    /**
     * Hugging Face's {@code Split}: matches of {@code pattern} kept as words ("Isolated") or dropped ("Removed"), or
     * merged with a neighbour; a zero-width match only splits the text there (no word is empty).
     */
    static PreTokenizer split(Pattern pattern, String behavior) {
        return (text, atStart) -> {
            List<String> words = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            int last = 0;
            String carry = "";
            while (m.find()) {
                if (m.end() == m.start()) {
                    String gap = carry + text.substring(last, m.start());
                    if (!gap.isEmpty()) words.add(gap);
                    carry = "";
                    last = m.start();
                    continue;
                }
                String gap = carry + text.substring(last, m.start());
                carry = "";
                switch (behavior) {
                    case "Isolated" -> {
                        if (!gap.isEmpty()) words.add(gap);
                        words.add(m.group());
                    }
                    case "Removed" -> {
                        if (!gap.isEmpty()) words.add(gap);
                    }
                    case "MergedWithPrevious" -> words.add(gap + m.group());
                    case "MergedWithNext" -> {
                        if (!gap.isEmpty()) words.add(gap);
                        carry = m.group();
                    }
                    default -> throw new IllegalStateException("unchecked Split behavior " + behavior);
                }
                last = m.end();
            }
            String rest = carry + text.substring(last);
            if (!rest.isEmpty()) words.add(rest);
            return words;
        };
    }
}

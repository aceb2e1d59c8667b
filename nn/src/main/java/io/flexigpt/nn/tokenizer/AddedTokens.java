package io.flexigpt.nn.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens (such as special tokens) in raw text, leftmost first and longest at a position. A token
 * may swallow the whitespace on its left ({@code lstrip}) or right ({@code rstrip}), and may be limited to
 * whole words ({@code singleWord}).
 */
final class AddedTokens {
    /** One added token and its matching options. */
    record Token(String content, int id, boolean lstrip, boolean rstrip, boolean singleWord) {}

    private final Map<Character, List<Token>> byFirstChar = new HashMap<>();

    AddedTokens(List<Token> tokens) {
        for (Token t : tokens) {
            if (!t.content().isEmpty())
                byFirstChar
                        .computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>())
                        .add(t);
        }
        for (List<Token> list : byFirstChar.values())
            list.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
    }

    /** Receives the pieces of the text: plain segments and added tokens. */
    interface Visitor {
        void text(String segment, boolean atStart);

        void token(int id);
    }

    void split(String text, Visitor visitor) {
        int start = 0;
        for (int i = 0; i < text.length() && !byFirstChar.isEmpty(); i++) {
            Token match = match(text, i);
            if (match == null) continue;
            int from = i, to = i + match.content().length();
            if (match.lstrip()) while (from > start && Character.isWhitespace(text.charAt(from - 1))) from--;
            if (match.rstrip()) while (to < text.length() && Character.isWhitespace(text.charAt(to))) to++;
            if (from > start) visitor.text(text.substring(start, from), start == 0);
            visitor.token(match.id());
            start = to;
            i = to - 1;
        }
        if (start < text.length()) visitor.text(text.substring(start), start == 0);
    }

    private Token match(String text, int at) {
        List<Token> candidates = byFirstChar.get(text.charAt(at));
        if (candidates == null) return null;
        for (Token t : candidates) {
            if (!text.startsWith(t.content(), at)) continue;
            int end = at + t.content().length();
            boolean wordBefore = at > 0 && Character.isLetterOrDigit(text.charAt(at - 1));
            boolean wordAfter = end < text.length() && Character.isLetterOrDigit(text.charAt(end));
            if (!t.singleWord() || (!wordBefore && !wordAfter)) return t;
        }
        return null;
    }
}

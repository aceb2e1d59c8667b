package io.flexigpt.nn.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds added tokens (such as special tokens) in raw text, leftmost first and longest at a position. */
final class AddedTokens {
    private final Map<Character, List<String>> byFirstChar = new HashMap<>();
    private final Map<String, Integer> ids;

    AddedTokens(Map<String, Integer> ids) {
        this.ids = ids;
        for (String content : ids.keySet()) {
            if (!content.isEmpty()) byFirstChar.computeIfAbsent(content.charAt(0), c -> new ArrayList<>()).add(content);
        }
        for (List<String> list : byFirstChar.values()) list.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** Receives the pieces of the text: plain segments and added tokens. */
    interface Visitor {
        void text(String segment, boolean atStart);

        void token(int id);
    }

    void split(String text, Visitor visitor) {
        int start = 0;
        for (int i = 0; i < text.length() && !byFirstChar.isEmpty(); i++) {
            List<String> candidates = byFirstChar.get(text.charAt(i));
            if (candidates == null) continue;
            for (String content : candidates) {
                if (text.startsWith(content, i)) {
                    if (i > start) visitor.text(text.substring(start, i), start == 0);
                    visitor.token(ids.get(content));
                    start = i + content.length();
                    i = start - 1;
                    break;
                }
            }
        }
        if (start < text.length()) visitor.text(text.substring(start), start == 0);
    }
}

package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each family of llama.cpp pre-tokenizers splits a sample (contractions, capitals, accents, digit runs,
 * newlines, tabs, punctuation, CJK, Hangul, Chameleon's sentinel and image tokens) into the words llama.cpp's
 * own regular expressions give. The expected words were computed independently, with Python's {@code regex}
 * module applying llama.cpp's expression lists (as written in its llama-vocab.cpp, including its rewrites of the
 * tokenizer.json expressions) the way llama.cpp applies them: in turn, to each piece the previous ones left,
 * keeping matches and the text between them, a zero-width match only splitting.
 */
class LlamaCppPreTokenizersTest {
    static final String SAMPLE = "Hello WORLD's caf\u00e9 don'T 1234567 x\n\n  y\t3.14 <sentinel:12> IMGIMGABZ \u65e5\u672c\u8a9e \ud55c\uad6d (ok)!?  end";

    static List<String> words(String name, String text) {
        List<PreTokenizer> steps = new ArrayList<>();
        for (String r : LlamaCppPreTokenizers.pre(name, false).splits()) steps.add(PreTokenizer.split(Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS), "Isolated"));
        return PreTokenizer.sequence(steps).split(text, true);
    }

    static Map<String, List<String>> expected() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("gpt-2", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'", "T", " 1234567", " x", "\n\n ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("llama-bpe", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("smaug-bpe", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("qwen2", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("qwen35", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("default", List.of("Hello", " WORLD", "'", "s", " caf\u00e9", " don", "'", "T", " ", "123", "456", "7", " x", "\n\n ", " y", "\t", "3", ".", "14", " ", "<", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " ", "(", "ok", ")!?", " ", " end"));
        expected.put("deepseek-llm", List.of("Hello", " WORLD", "'", "s", " caf", "\u00e9", " don", "'", "T", " ", "1234567", " x", "\n", "\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " ", "\u65e5\u672c\u8a9e", " ", "\ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("deepseek-coder", List.of("Hello", " WORLD", "'", "s", " caf\u00e9", " don", "'", "T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n", "\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " ", "\u65e5\u672c\u8a9e", " ", "\ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("deepseek-v3", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " ", "\u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("spark2_5", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n", "\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " ", "\u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("youtu", List.of("Hello", " WORLD's", " caf\u00e9", " don'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " ", "\u65e5\u672c\u8a9e", " ", "\ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("falcon", List.of("Hello", " WORLD", "'", "s", " caf\u00e9", " don", "'", "T", " ", "123", "456", "7", " x", "\n\n ", " y", "\t", "3", ".", "14", " ", "<", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " ", "(", "ok", ")!?", " ", " end"));
        expected.put("starcoder", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'", "T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("bloom", List.of("Hello", " WORLD's", " caf\u00e9", " don'T", " 1234567", " x", "\n\n ", " y", "\t", "3", ".", "14", " <sentinel:12>", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!? ", " end"));
        expected.put("viking", List.of("Hello", " WORLD's", " caf\u00e9", " don'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n ", " y", "\t", "3", ".", "1", "4", " <sentinel:", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!? ", " end"));
        expected.put("tekken", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("chameleon", List.of("Hello", " WORLD", "'", "s", " caf\u00e9", " don", "'", "T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n", "\n", "  ", "y", "\t", "3", ".", "1", "4", " ", "<", "sentinel", ":", "1", "2", ">", " ", "IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " ", "(", "ok", ")", "!", "?", "  ", "end"));
        expected.put("gpt-4o", List.of("Hello", " WORLD's", " caf\u00e9", " don'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("tiny_aya", List.of("Hello", " WORLD's", " caf\u00e9", " don'T", " ", "1", "234", "567", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("superbpe", List.of("Hello WORLD's caf\u00e9 don'T ", "1", "234", "567", " x\n\n  y\t", "3", ".", "14", " <sentinel:", "12", "> IMGIMGABZ \u65e5\u672c\u8a9e \ud55c\uad6d (ok)!?  end"));
        expected.put("bailingmoe", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("seed-coder", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("ufakzeka", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("exaone-moe", List.of("Hello WORLD", "'s", " caf\u00e9 don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ \u65e5\u672c\u8a9e \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("jais-2", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("laguna", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "1", "2", "3", "4", "5", "6", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "1", "4", " <", "sentinel", ":", "1", "2", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        expected.put("minicpm5", List.of("Hello", " WORLD", "'s", " caf\u00e9", " don", "'T", " ", "123", "456", "7", " x", "\n\n", " ", " y", "\t", "3", ".", "14", " <", "sentinel", ":", "12", ">", " IMGIMGABZ", " \u65e5\u672c\u8a9e", " \ud55c\uad6d", " (", "ok", ")!?", " ", " end"));
        return expected;
    }

    @Test
    void everyFamilySplitsTheSampleAsLlamaCppDoes() {
        for (Map.Entry<String, List<String>> e : expected().entrySet()) {
            assertEquals(e.getValue(), words(e.getKey(), SAMPLE), e.getKey());
            assertEquals(String.join("", e.getValue()), SAMPLE, e.getKey() + " loses no text");
        }
    }

    @Test
    void aliasesShareTheirFamilysSplit() {
        Map<String, String> aliases = Map.of("mpt", "gpt-2", "olmo", "gpt-2", "jais", "gpt-2", "trillion", "gpt-2", "gpt3-finnish", "bloom", "poro-chat", "bloom",
            "exaone", "starcoder", "minerva-7b", "starcoder", "chatglm-bpe", "smaug-bpe", "llama4", "gpt-4o");
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            assertEquals(LlamaCppPreTokenizers.pre(a.getValue(), false).splits(), LlamaCppPreTokenizers.pre(a.getKey(), false).splits(), a.getKey());
        }
        assertTrue(LlamaCppPreTokenizers.pre("tekken", false).ignoreMerges() && LlamaCppPreTokenizers.pre("tekken", false).addBos());
        assertTrue(LlamaCppPreTokenizers.pre("chameleon", false).addBos());
        assertTrue(LlamaCppPreTokenizers.pre("minicpm5", false).ignoreMerges());
    }

    @Test
    void theNameOfASplitIsOneThatSelectsIt() {
        for (String name : expected().keySet()) {
            LlamaCppPreTokenizers.Pre pre = LlamaCppPreTokenizers.pre(name, false);
            String found = LlamaCppPreTokenizers.nameOf(pre.splits(), pre.ignoreMerges());
            assertNotNull(found, name);
            assertEquals(pre.splits(), LlamaCppPreTokenizers.pre(found, false).splits(), name + " -> " + found);
        }
        assertEquals("llama-bpe", LlamaCppPreTokenizers.nameOf(List.of(LlamaCppPreTokenizers.LLAMA3), true));
        assertEquals("smaug-bpe", LlamaCppPreTokenizers.nameOf(List.of(LlamaCppPreTokenizers.LLAMA3), false));
    }

    @Test
    void anUnknownNameFallsBackToTheDefaultWithOneWarningLine() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LlamaCppPreTokenizers.Pre unknown, none;
        try {
            unknown = LlamaCppPreTokenizers.forGguf("brand-new-model");
            none = LlamaCppPreTokenizers.forGguf(null);
        } finally {
            System.setErr(saved);
        }
        assertSame(LlamaCppPreTokenizers.DEFAULT, unknown);
        assertSame(LlamaCppPreTokenizers.DEFAULT, none);
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, captured.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].startsWith("warning: ") && lines[0].contains("brand-new-model"), lines[0]);
        assertTrue(lines[1].startsWith("warning: ") && lines[1].contains("names no tokenizer.ggml.pre"), lines[1]);
        FormatException e = assertThrows(FormatException.class, () -> LlamaCppPreTokenizers.forGguf("kimi-k2"));
        assertTrue(e.getMessage().contains("kimi-k2"), e.getMessage());
    }
}

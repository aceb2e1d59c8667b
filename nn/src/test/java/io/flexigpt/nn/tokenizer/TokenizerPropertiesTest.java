package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips on arbitrary Unicode, and the heap-based merge against llama2.c's rescanning loop. */
class TokenizerPropertiesTest {
    private static Map<String, Tokenizer> tokenizers = new HashMap<>();

    private static synchronized Tokenizer tokenizer(String name) throws IOException {
        if (!tokenizers.containsKey(name)) {
            tokenizers.put(name, switch (name) {
                case "tok512" -> RealTokenizersTest.tok512();
                case "llama32k" -> RealTokenizersTest.llama32k();
                case "hf" -> RealTokenizersTest.stories260kHf();
                case "gguf" -> RealTokenizersTest.tok512AsGguf();
                case "gpt2" -> ByteLevelBpeTokenizerTest.tinyGpt2();
                default -> throw new IllegalArgumentException(name);
            });
        }
        return tokenizers.get(name);
    }

    /** Strings of valid code points, mostly ASCII text with spaces and newlines, some from all of Unicode. */
    @Provide
    Arbitrary<String> unicode() {
        Arbitrary<Integer> ascii = Arbitraries.of(" abcdefghijklmnopqrstuvwxyzOT.,!'\n\t".codePoints().boxed().toList());
        Arbitrary<Integer> any = Arbitraries.integers().between(1, Character.MAX_CODE_POINT)
            .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        Arbitrary<Integer> accents = Arbitraries.integers().between(0xC0, 0x17F);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, ascii), net.jqwik.api.Tuple.of(2, any), net.jqwik.api.Tuple.of(1, accents))
            .list().ofMaxSize(40)
            .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("tok512", "llama32k", "hf", "gguf", "gpt2");
    }

    @Property(tries = 300)
    void decodeInvertsEncode(@ForAll("names") String name, @ForAll("unicode") String text, @ForAll boolean bos) throws IOException {
        Tokenizer tok = tokenizer(name);
        assertEquals(text, tok.decode(tok.encode(text, bos, false)), name);
    }

    @Property(tries = 200)
    void heapMergeMatchesLlama2cRescanningLoop(@ForAll("unicode") String text, @ForAll boolean large) throws IOException {
        Llama2cTokenizer tok = (Llama2cTokenizer) tokenizer(large ? "llama32k" : "tok512");
        assertArrayEquals(llama2cReference(tok, text), tok.encode(text, false, false));
    }

    @Property(tries = 100)
    void repetitiveTextMergesLikeLlama2c(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 30) int count,
                                        @ForAll("unicode") String unit, @ForAll boolean large) throws IOException {
        Llama2cTokenizer tok = (Llama2cTokenizer) tokenizer(large ? "llama32k" : "tok512");
        String text = unit.isEmpty() ? "a".repeat(count) : unit.repeat(Math.min(count, 80 / Math.max(1, unit.length()) + 1));
        assertArrayEquals(llama2cReference(tok, text), tok.encode(text, false, false));
    }

    @Property(tries = 60)
    void realTextWindowsMergeLikeLlama2c(@ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 790_000) int start,
                                         @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 400) int length, @ForAll boolean large) throws IOException {
        String text = valText();
        String window = text.substring(Math.min(start, text.length() - 1), Math.min(text.length(), start + length));
        Llama2cTokenizer tok = (Llama2cTokenizer) tokenizer(large ? "llama32k" : "tok512");
        assertArrayEquals(llama2cReference(tok, window), tok.encode(window, false, false));
    }

    private static String valText;

    private static synchronized String valText() throws IOException {
        if (valText == null) valText = java.nio.file.Files.readString(io.flexigpt.tensor.testing.TestData.file("text/tinystories/tinystories_val_head.txt"));
        return valText;
    }

    /** llama2.c's encode, transcribed loop for loop: rescans every pair after every merge. */
    static int[] llama2cReference(Llama2cTokenizer tok, String text) {
        Map<String, Integer> lookup = new HashMap<>();
        for (int i = 0; i < tok.vocabSize(); i++) lookup.putIfAbsent(tok.piece(i), i);
        List<Integer> ids = new ArrayList<>();
        if (!text.isEmpty()) ids.add(lookup.get(" "));
        text.codePoints().forEach(cp -> {
            String c = new String(Character.toChars(cp));
            Integer id = lookup.get(c);
            if (id != null) {
                ids.add(id);
            } else {
                for (byte b : c.getBytes(java.nio.charset.StandardCharsets.UTF_8)) ids.add((b & 0xFF) + 3);
            }
        });
        while (true) {
            float best = -1e10f;
            int bestId = -1, bestAt = -1;
            for (int i = 0; i + 1 < ids.size(); i++) {
                Integer id = lookup.get(tok.piece(ids.get(i)) + tok.piece(ids.get(i + 1)));
                if (id != null && tok.score(id) > best) {
                    best = tok.score(id);
                    bestId = id;
                    bestAt = i;
                }
            }
            if (bestAt < 0) break;
            ids.set(bestAt, bestId);
            ids.remove(bestAt + 1);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}

package io.flexigpt.nn.tokenizer;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Round trips on arbitrary Unicode, and the heap-based merge against llama2.c's rescanning loop. */
class TokenizerPropertiesTest {
    private static Map<String, Tokenizer> tokenizers = new HashMap<>();

    private static synchronized Tokenizer tokenizer(String name) throws IOException {
        if (!tokenizers.containsKey(name)) {
            tokenizers.put(
                    name,
                    switch (name) {
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
    static Gen<String> unicode() {
        Gen<Integer> ascii = arbitrary()
                .pick(" abcdefghijklmnopqrstuvwxyzOT.,!'\n\t"
                        .codePoints()
                        .boxed()
                        .toList());
        Gen<Integer> any = integers()
                .between(1, Character.MAX_CODE_POINT)
                .assuming(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        Gen<Integer> accents = integers().between(0xC0, 0x17F);
        Gen<Integer> codePoints = Generate.frequency(Pair.of(5, ascii), Pair.of(2, any), Pair.of(1, accents));
        return lists().of(codePoints).ofSizeBetween(0, 40).map(cps -> cps.stream()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString());
    }

    /** The named tokenizers, loaded before a property runs, so that missing data skips the test rather than failing an example. */
    private static Map<String, Tokenizer> load(String... names) throws IOException {
        Map<String, Tokenizer> loaded = new HashMap<>();
        for (String name : names) loaded.put(name, tokenizer(name));
        return loaded;
    }

    /** The llama2.c tokenizer with the large (32k) or the small (512) vocabulary. */
    private static Llama2cTokenizer llama2c(Map<String, Tokenizer> loaded, boolean large) {
        return (Llama2cTokenizer) loaded.get(large ? "llama32k" : "tok512");
    }

    @Test
    void decodeInvertsEncode() throws IOException {
        String[] names = {"tok512", "llama32k", "hf", "gguf", "gpt2"};
        Map<String, Tokenizer> loaded = load(names);
        qt(300).forAll(arbitrary().pick(names), unicode(), booleans().all()).checkAssert((name, text, bos) -> {
            Tokenizer tok = loaded.get(name);
            assertEquals(text, tok.decode(tok.encode(text, bos, false)), name);
        });
    }

    @Test
    void heapMergeMatchesLlama2cRescanningLoop() throws IOException {
        Map<String, Tokenizer> loaded = load("tok512", "llama32k");
        qt(200).forAll(unicode(), booleans().all()).checkAssert((text, large) -> {
            Llama2cTokenizer tok = llama2c(loaded, large);
            assertArrayEquals(llama2cReference(tok, text), tok.encode(text, false, false));
        });
    }

    @Test
    void repetitiveTextMergesLikeLlama2c() throws IOException {
        Map<String, Tokenizer> loaded = load("tok512", "llama32k");
        qt(100).forAll(integers().between(1, 30), unicode(), booleans().all()).checkAssert((count, unit, large) -> {
            Llama2cTokenizer tok = llama2c(loaded, large);
            String text = unit.isEmpty()
                    ? "a".repeat(count)
                    : unit.repeat(Math.min(count, 80 / Math.max(1, unit.length()) + 1));
            assertArrayEquals(llama2cReference(tok, text), tok.encode(text, false, false));
        });
    }

    @Test
    void realTextWindowsMergeLikeLlama2c() throws IOException {
        Map<String, Tokenizer> loaded = load("tok512", "llama32k");
        String text = valText();
        qt(60).forAll(
                        integers().between(0, 790_000),
                        integers().between(1, 400),
                        booleans().all())
                .checkAssert((start, length, large) -> {
                    String window =
                            text.substring(Math.min(start, text.length() - 1), Math.min(text.length(), start + length));
                    Llama2cTokenizer tok = llama2c(loaded, large);
                    assertArrayEquals(llama2cReference(tok, window), tok.encode(window, false, false));
                });
    }

    private static String valText;

    private static synchronized String valText() throws IOException {
        if (valText == null)
            valText = java.nio.file.Files.readString(
                    io.flexigpt.tensor.testing.TestData.file("text/tinystories/tinystories_val_head.txt"));
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

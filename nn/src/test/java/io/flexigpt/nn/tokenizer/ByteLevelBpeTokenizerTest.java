package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hand-built GPT-2 style byte-level tokenizer.json with known ids. */
class ByteLevelBpeTokenizerTest {
    static final int END_OF_TEXT = 261;

    /** Ids 0..255 are the byte characters in byte order, then Ġt, he, Ġthe, lo, low and an end-of-text token. */
    static Map<String, Object> gpt2Json() {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), (long) b);
        List<String> merged = List.of("\u0120t", "he", "\u0120the", "lo", "low");
        for (int i = 0; i < merged.size(); i++) vocab.put(merged.get(i), 256L + i);
        vocab.put("<|endoftext|>", (long) END_OF_TEXT);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", List.of("\u0120 t", "h e", List.of("\u0120t", "he"), "l o", List.of("lo", "w")));
        Map<String, Object> added =
                new LinkedHashMap<>(Map.of("id", (long) END_OF_TEXT, "content", "<|endoftext|>", "special", true));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("added_tokens", List.of(added));
        root.put("normalizer", null);
        root.put(
                "pre_tokenizer",
                Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true));
        root.put(
                "decoder",
                Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        root.put("model", model);
        return root;
    }

    static HfTokenizer tinyGpt2() throws IOException {
        Path file = Files.createTempFile("gpt2-", "-tokenizer.json");
        file.toFile().deleteOnExit();
        Files.writeString(file, Json.write(gpt2Json()));
        return HfTokenizer.load(file);
    }

    @Test
    void encodesWithRankedMergesAfterTheGpt2Split() throws IOException {
        HfTokenizer tok = tinyGpt2();
        int t = 't', e = 'e', r = 'r', space = ' ';
        assertArrayEquals(
                new int[] {t, 257, space, 260, e, r, END_OF_TEXT, 258},
                tok.encode("the lower<|endoftext|> the", false, false));
        assertEquals("the lower the", tok.decode(tok.encode("the lower<|endoftext|> the", false, false)));
        assertEquals(END_OF_TEXT, tok.bosId());
        assertEquals(END_OF_TEXT, tok.eosId());
    }

    @Test
    void bytesOutsideAsciiUseTheShiftedAlphabet() throws IOException {
        HfTokenizer tok = tinyGpt2();
        // "é" is C3 A9; both bytes are printable Latin-1 and keep their value; "\n" (0x0A) maps to U+010A
        assertArrayEquals(new int[] {0xC3, 0xA9, 0x0A}, tok.encode("\u00e9\n", false, false));
        assertEquals("\u010a", tok.piece(0x0A));
        assertEquals("\u00e9\n", tok.decode(new int[] {0xC3, 0xA9, 0x0A}));
        StreamingDecoder streaming = tok.streamingDecoder();
        assertEquals("", streaming.next(0xC3));
        assertEquals("\u00e9", streaming.next(0xA9));
    }

    @Test
    void splitsContractionsNumbersAndSpacesAsGpt2Does() throws IOException {
        HfTokenizer tok = tinyGpt2();
        List<Integer> expected = new ArrayList<>();
        for (String word : List.of("it", "'s", " 42", "  ", " x")) {
            for (byte b : word.getBytes(java.nio.charset.StandardCharsets.UTF_8)) expected.add(b & 0xFF);
        }
        assertArrayEquals(
                expected.stream().mapToInt(Integer::intValue).toArray(), tok.encode("it's 42   x", false, false));
        assertArrayEquals(new int[] {256, 'o'}, tok.encode(" to", false, false));
    }

    @Test
    @SuppressWarnings("unchecked")
    void addedTokensCanSwallowWhitespaceAndRequireWholeWords() throws IOException {
        Map<String, Object> root = gpt2Json();
        ((Map<String, Object>) ((Map<String, Object>) root.get("model")).get("vocab")).put("<mask>", 262L);
        ((Map<String, Object>) ((Map<String, Object>) root.get("model")).get("vocab")).put("lo", 259L);
        List<Object> added = new ArrayList<>((List<Object>) root.get("added_tokens"));
        added.add(Map.of("id", 262L, "content", "<mask>", "special", true, "lstrip", true, "rstrip", true));
        added.add(Map.of("id", 259L, "content", "lo", "special", false, "single_word", true));
        root.put("added_tokens", added);
        Path file = Files.createTempFile("gpt2-added-", "-tokenizer.json");
        file.toFile().deleteOnExit();
        Files.writeString(file, Json.write(root));
        HfTokenizer tok = HfTokenizer.load(file);
        assertArrayEquals(new int[] {'a', 262, 'b'}, tok.encode("a  <mask>  b", false, false));
        assertArrayEquals(new int[] {259, ' ', 260}, tok.encode("lo low", false, false));
    }

    @Test
    void ggufGpt2VocabularyEncodesLikeTheJsonFile() throws IOException {
        HfTokenizer json = tinyGpt2();
        List<String> pieces = new ArrayList<>();
        int[] types = new int[json.vocabSize()];
        for (int i = 0; i < json.vocabSize(); i++) {
            pieces.add(json.piece(i));
            types[i] = i == END_OF_TEXT ? 3 : 1;
        }
        Tokenizer gguf = Tokenizers.fromVocabulary(
                pieces,
                null,
                types,
                END_OF_TEXT,
                END_OF_TEXT,
                -1,
                "gpt2",
                List.of("\u0120 t", "h e", "\u0120t he", "l o", "lo w"));
        String text = "the lower<|endoftext|> the low, lot";
        assertArrayEquals(json.encode(text, true, true), gguf.encode(text, true, true));
        assertEquals(json.decode(json.encode(text, false, false)), gguf.decode(gguf.encode(text, false, false)));
    }
}

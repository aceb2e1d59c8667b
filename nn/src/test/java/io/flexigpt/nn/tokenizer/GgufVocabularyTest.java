package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GGUF byte-level vocabularies, written the way llama.cpp's converter writes a Hugging Face tokenizer
 * (tokens by id, merges as "a b", added special tokens as control tokens), encode exactly as the
 * tokenizer.json they came from once {@code tokenizer.ggml.pre} names the matching pre-tokenizer.
 */
class GgufVocabularyTest {
    /** GGUF metadata for a byte-level tokenizer.json, with {@code tokenizer.ggml.pre = pre}. */
    private static final Map<Path, Map<String, Object>> CONVERTED = new HashMap<>();

    static synchronized Map<String, Object> ggufMetadata(Path tokenizerJson, String pre) throws IOException {
        Map<String, Object> base = CONVERTED.get(tokenizerJson);
        if (base == null) CONVERTED.put(tokenizerJson, base = convert(tokenizerJson));
        Map<String, Object> meta = new HashMap<>(base);
        meta.put("tokenizer.ggml.pre", pre);
        return meta;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> convert(Path tokenizerJson) throws IOException {
        Map<String, Object> root =
                (Map<String, Object>) Json.parse(Files.readString(tokenizerJson), tokenizerJson.toString());
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        Map<String, Object> vocab = (Map<String, Object>) model.get("vocab");
        List<Object> added = (List<Object>) root.get("added_tokens");
        int n = vocab.size() + added.size();
        String[] tokens = new String[n];
        Long[] types = new Long[n];
        vocab.forEach((k, v) -> {
            tokens[(int) (long) (Long) v] = k;
            types[(int) (long) (Long) v] = 1L;
        });
        for (Object a : added) {
            Map<String, Object> t = (Map<String, Object>) a;
            int id = (int) (long) (Long) t.get("id");
            tokens[id] = (String) t.get("content");
            types[id] = Boolean.TRUE.equals(t.get("special")) ? 3L : 4L;
        }
        List<String> merges = new ArrayList<>();
        for (Object m : (List<Object>) model.get("merges"))
            merges.add(m instanceof String s ? s : String.join(" ", (List<String>) m));
        Map<String, Object> meta = new HashMap<>();
        meta.put("tokenizer.ggml.model", "gpt2");
        meta.put("tokenizer.ggml.tokens", Arrays.asList(tokens));
        meta.put("tokenizer.ggml.token_type", Arrays.asList(types));
        meta.put("tokenizer.ggml.merges", merges);
        return meta;
    }

    @Test
    void llamaBpeGgufEncodesAsLlama31TokenizerJsonAndEndsAtEveryEndOfTurn() throws IOException {
        Path file = TestData.file("tokenizers/llama3.1/tokenizer.json");
        Map<String, Integer> vocab = LargeRealTokenizers.vocabulary("llama3.1");
        Tokenizer json = LargeRealTokenizers.get("llama3.1");
        Map<String, Object> meta = ggufMetadata(file, "llama-bpe");
        meta.put("tokenizer.ggml.bos_token_id", (long) vocab.get("<|begin_of_text|>"));
        meta.put("tokenizer.ggml.eos_token_id", (long) vocab.get("<|end_of_text|>"));
        meta.put("tokenizer.ggml.eot_token_id", (long) vocab.get("<|eot_id|>"));
        Tokenizer gguf = Tokenizers.fromGguf(meta);
        assertEquals(json.vocabSize(), gguf.vocabSize());
        assertEquals(json.bosId(), gguf.bosId());
        assertTrue(gguf.addsBos(), "llama.cpp adds BOS for the llama-bpe pre-tokenizer");
        assertEquals(vocab.get("<|end_of_text|>"), gguf.eosId());
        List<Integer> ends = Arrays.stream(gguf.eosIds()).boxed().toList();
        assertEquals(List.of(vocab.get("<|end_of_text|>"), vocab.get("<|eot_id|>")), ends);
        List<String> samples = new ArrayList<>(RealTokenizersTest.paragraphs().subList(0, 150));
        samples.add(
                "Numbers 1234567 and 3.14159, CAPS'LL it's, tabs\t\tand\n\n\nnewlines   spaces <|eot_id|> caf\u00e9 \u4f60\u597d \ud83d\ude00");
        for (String s : samples) {
            assertArrayEquals(json.encode(s, true, false), gguf.encode(s, gguf.addsBos(), false), s);
            assertEquals(json.decode(json.encode(s, true, false)), gguf.decode(gguf.encode(s, true, false)));
        }
    }

    @Test
    void qwen2PreTokenizerSplitsDigitsOneByOneAsQwen3TokenizerJson() throws IOException {
        Path file = TestData.file("tokenizers/qwen3/tokenizer.json");
        Map<String, Integer> vocab = LargeRealTokenizers.vocabulary("qwen3");
        Tokenizer json = LargeRealTokenizers.get("qwen3");
        Map<String, Object> meta = ggufMetadata(file, "qwen2");
        meta.put("tokenizer.ggml.eos_token_id", (long) vocab.get("<|endoftext|>"));
        Tokenizer gguf = Tokenizers.fromGguf(meta);
        assertEquals(-1, gguf.bosId());
        assertFalse(gguf.addsBos());
        List<Integer> ends = Arrays.stream(gguf.eosIds()).boxed().toList();
        assertTrue(ends.containsAll(List.of(vocab.get("<|endoftext|>"), vocab.get("<|im_end|>"))), ends.toString());
        String digits = "In 2024 there were 1234567 stories.";
        assertArrayEquals(json.encode(digits, false, false), gguf.encode(digits, false, false));
        for (String p : RealTokenizersTest.paragraphs().subList(0, 150))
            assertArrayEquals(json.encode(p, false, false), gguf.encode(p, false, false), p);
    }

    @Test
    void thePreTokenizerChoiceMatters() throws IOException {
        Path file = TestData.file("tokenizers/llama3.1/tokenizer.json");
        String digits = "In 2024 there were 1234567 stories.";
        int[] llama3 = Tokenizers.fromGguf(ggufMetadata(file, "llama3")).encode(digits, false, false);
        int[] qwen2 = Tokenizers.fromGguf(ggufMetadata(file, "qwen2")).encode(digits, false, false);
        assertArrayEquals(LargeRealTokenizers.get("llama3.1").encode(digits, false, false), llama3);
        assertNotEquals(
                Arrays.toString(llama3),
                Arrays.toString(qwen2),
                "qwen2 splits numbers into single digits, llama3 into groups of three");
        assertTrue(qwen2.length > llama3.length);
    }

    @Test
    void declaredIdsAndAddBosOverrideDefaultsAndBadValuesNameTheKey() throws IOException {
        Path file = TestData.file("tokenizers/qwen3/tokenizer.json");
        Map<String, Object> meta = ggufMetadata(file, "qwen2");
        meta.put("tokenizer.ggml.bos_token_id", 151643L);
        meta.put("tokenizer.ggml.add_bos_token", true);
        Tokenizer tok = Tokenizers.fromGguf(meta);
        assertTrue(tok.addsBos());
        assertEquals(151643, tok.encode("Hi", true, false)[0]);
        meta.put("tokenizer.ggml.pre", "kimi-k2");
        assertMessage(() -> Tokenizers.fromGguf(meta), "tokenizer.ggml.pre", "kimi-k2");
        meta.put("tokenizer.ggml.pre", "qwen2");
        meta.put("tokenizer.ggml.eos_token_id", 10_000_000L);
        assertMessage(() -> Tokenizers.fromGguf(meta), "tokenizer.ggml.eos_token_id", "10000000");
        meta.remove("tokenizer.ggml.eos_token_id");
        meta.put("tokenizer.ggml.model", "bert");
        assertMessage(() -> Tokenizers.fromGguf(meta), "tokenizer.ggml.model", "bert");
    }

    @Test
    void llamaVocabularyWithEmptyAndUnusedEntriesLoadsAndHonoursAddBos() throws IOException {
        Llama2cTokenizer bin = RealTokenizersTest.tok512();
        List<String> pieces = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Long> types = new ArrayList<>();
        for (int i = 0; i < bin.vocabSize(); i++) {
            pieces.add(i == 1 ? "<s>" : i == 2 ? "</s>" : bin.piece(i).replace(' ', '\u2581'));
            scores.add((double) bin.score(i));
            types.add(i == 0 ? 2L : i <= 2 ? 3L : i <= 258 ? 6L : 1L);
        }
        for (int pad = 0; pad < 4; pad++) { // padding entries as converters append them: empty or unused
            pieces.add(pad % 2 == 0 ? "" : "[PAD" + pad + "]");
            scores.add(-1e9);
            types.add(pad % 2 == 0 ? 1L : 5L);
        }
        Map<String, Object> meta = new HashMap<>(Map.of(
                "tokenizer.ggml.model",
                "llama",
                "tokenizer.ggml.tokens",
                pieces,
                "tokenizer.ggml.scores",
                scores,
                "tokenizer.ggml.token_type",
                types,
                "tokenizer.ggml.add_bos_token",
                false));
        Tokenizer gguf = Tokenizers.fromGguf(meta);
        assertEquals(516, gguf.vocabSize());
        assertFalse(gguf.addsBos());
        assertEquals(1, gguf.bosId());
        assertArrayEquals(new int[] {2}, gguf.eosIds());
        for (String p : RealTokenizersTest.paragraphs().subList(0, 50)) {
            assertArrayEquals(bin.encode(p, true, false), gguf.encode(p, true, false), p);
        }
        assertEquals("", gguf.decode(new int[] {512}));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        FormatException e = assertThrows(FormatException.class, call);
        for (String part : parts) assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
    }
}

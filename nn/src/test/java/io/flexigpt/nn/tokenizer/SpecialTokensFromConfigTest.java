package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BOS, EOS and add_bos_token of the four real Hugging Face tokenizers come from their tokenizer_config.json
 * (and generation_config.json when there is one). Expected ids are looked up in the files' own vocabularies,
 * never typed in.
 */
class SpecialTokensFromConfigTest {
    /** The ids a tokenizer.json gives its vocabulary entries and added tokens. */
    @SuppressWarnings("unchecked")
    static Map<String, Integer> vocabulary(Path tokenizerJson) throws IOException {
        Map<String, Object> root =
                (Map<String, Object>) Json.parse(Files.readString(tokenizerJson), tokenizerJson.toString());
        Map<String, Integer> ids = new HashMap<>();
        ((Map<String, Object>) ((Map<String, Object>) root.get("model")).get("vocab"))
                .forEach((k, v) -> ids.put(k, (int) (long) (Long) v));
        for (Object t : (List<Object>) root.get("added_tokens")) {
            Map<String, Object> m = (Map<String, Object>) t;
            ids.put((String) m.get("content"), (int) (long) (Long) m.get("id"));
        }
        return ids;
    }

    private static int[] prepend(int first, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = first;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    @Test
    void llama31UsesBeginOfTextAndTheChatEndOfTurnFromTokenizerConfig() throws IOException {
        Map<String, Integer> vocab = LargeRealTokenizers.vocabulary("llama3.1");
        Tokenizer tok = LargeRealTokenizers.get("llama3.1");
        assertEquals(vocab.get("<|begin_of_text|>"), tok.bosId());
        assertEquals(vocab.get("<|eot_id|>"), tok.eosId());
        assertArrayEquals(new int[] {vocab.get("<|eot_id|>")}, tok.eosIds());
        assertTrue(
                tok.addsBos(),
                "the post-processor prepends <|begin_of_text|> and tokenizer_config.json does not turn it off");
        // byte-level BPE: "Hello" and " world" (space written as 'Ġ') are single vocabulary entries
        int[] plain = {vocab.get("Hello"), vocab.get("\u0120world")};
        assertArrayEquals(plain, tok.encode("Hello world", false, false));
        assertArrayEquals(prepend(tok.bosId(), plain), tok.encode("Hello world", true, false));
        assertEquals("Hello world", tok.decode(tok.encode("Hello world<|eot_id|>", true, false)));
        assertArrayEquals(
                new int[] {vocab.get("<|start_header_id|>"), vocab.get("user"), vocab.get("<|end_header_id|>")},
                tok.encode("<|start_header_id|>user<|end_header_id|>", false, false));
    }

    @Test
    void qwen3HasNoBosAndEndsAtImEndNotAtOrdinaryAngleBracketEntries() throws IOException {
        Map<String, Integer> vocab = LargeRealTokenizers.vocabulary("qwen3");
        Tokenizer tok = LargeRealTokenizers.get("qwen3");
        assertEquals(-1, tok.bosId(), "bos_token is null in tokenizer_config.json");
        assertFalse(tok.addsBos());
        assertEquals(vocab.get("<|im_end|>"), tok.eosId());
        assertArrayEquals(new int[] {vocab.get("<|im_end|>")}, tok.eosIds());
        int[] plain = {vocab.get("Hello"), vocab.get("\u0120world")};
        assertArrayEquals(plain, tok.encode("Hello world", false, false));
        assertArrayEquals(plain, tok.encode("Hello world", true, false), "no BOS to add");
        // "</s>" is ordinary text for Qwen: it encodes to vocabulary pieces and decodes back
        int[] html = tok.encode("</s>", false, false);
        assertEquals("</s>", tok.decode(html));
        assertTrue(Arrays.stream(html).noneMatch(id -> id == tok.eosId()));
    }

    @Test
    void llama2AndMistralAddBosAndEndAtSlashS() throws IOException {
        for (String dir : List.of("tokenizers/llama2-rebuilt", "tokenizers/mistral-7b")) {
            Path file = TestData.file(dir + "/tokenizer.json");
            Map<String, Integer> vocab = vocabulary(file);
            Tokenizer tok = Tokenizers.load(file);
            assertEquals(vocab.get("<s>"), tok.bosId(), dir);
            assertArrayEquals(new int[] {vocab.get("</s>")}, tok.eosIds(), dir);
            assertTrue(tok.addsBos(), dir);
            int[] plain = {vocab.get("\u2581Hello"), vocab.get("\u2581world")};
            assertArrayEquals(plain, tok.encode("Hello world", false, false), dir);
            assertArrayEquals(prepend(tok.bosId(), plain), tok.encode("Hello world", true, false), dir);
        }
    }

    @Test
    void llama2TokenizerJsonEncodesParagraphsAsTheLlama2cFileOfTheSameVocabulary() throws IOException {
        Tokenizer json = Tokenizers.load(TestData.file("tokenizers/llama2-rebuilt/tokenizer.json"));
        Tokenizer bin = RealTokenizersTest.llama32k();
        assertEquals(15043, json.encode("Hello", false, false)[0], "MANIFEST: \"\u2581Hello\" = 15043 as in Llama-2");
        for (String p : RealTokenizersTest.paragraphs().subList(0, 200)) {
            assertArrayEquals(bin.encode(p, true, false), json.encode(p, json.addsBos(), false), p);
        }
    }

    @Test
    void generationConfigAddsEndIdsAndBadConfigsNameFileAndKey(@TempDir Path dir) throws IOException {
        Files.copy(TestData.file("models/stories260K-hf/tokenizer.json"), dir.resolve("tokenizer.json"));
        Map<String, Integer> vocab = vocabulary(dir.resolve("tokenizer.json"));
        int end = vocab.get("</s>"), newline = vocab.get("<0x0A>");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        Files.writeString(
                dir.resolve("generation_config.json"),
                "{\"bos_token_id\": 1, \"eos_token_id\": [" + end + ", " + newline + "]}");
        Tokenizer tok = Tokenizers.load(dir);
        assertEquals(end, tok.eosId());
        assertArrayEquals(new int[] {end, newline}, tok.eosIds());
        assertEquals("a", tok.decode(tok.encode("a\n", false, false)), "an end id decodes to nothing");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 99999999}");
        FormatException e = assertThrows(FormatException.class, () -> Tokenizers.load(dir));
        assertTrue(
                e.getMessage().contains("generation_config.json")
                        && e.getMessage().contains("99999999"),
                e.getMessage());
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": \"two\"}");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains("generation_config.json: eos_token_id"), e.getMessage());
        Files.delete(dir.resolve("generation_config.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|no_such_token|>\"}");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(dir));
        assertTrue(
                e.getMessage().contains("eos_token") && e.getMessage().contains("<|no_such_token|>"), e.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(dir));
        assertTrue(
                e.getMessage().contains("tokenizer_config.json")
                        && e.getMessage().contains("add_bos_token"),
                e.getMessage());
        Files.writeString(
                dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": false, \"bos_token\": null, \"eos_token\": {\"content\": \"<unk>\"}}");
        tok = Tokenizers.load(dir);
        assertFalse(tok.addsBos());
        assertEquals(-1, tok.bosId());
        assertEquals(vocab.get("<unk>"), tok.eosId());
    }
}

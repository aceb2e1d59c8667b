package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with a byte-level (GPT-2 style) tokenizer.json exported to GGUF reloads through the project's own
 * loader with the same token ids, BOS, end-of-generation ids and decoding, and bit-identical logits: the GGUF
 * names the pre-tokenizer llama.cpp splits with ({@code tokenizer.ggml.pre}), declares {@code add_bos_token} as
 * the tokenizer.json does, and keeps non-special added tokens as user-defined tokens that match whole.
 */
class ByteLevelGgufExportTest {
    @TempDir
    Path tmp;

    static final String LLAMA3 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final List<String> SAMPLES = List.of(
            "Hello world 12345\n\nthe (hello) w\u00f6rld's <think>x</think> caf\u00e9 \u65e5\u672c \ud83d\ude42 it's",
            "(hello) IT'S the_world <|eot_id|> 3.14159 ...!!",
            "a\n\n\n  b\t\tc  \n 0123456789 the   world\r\n",
            "");

    /** The character GPT-2's byte-level alphabet writes byte {@code b} as. */
    static char byteChar(int b) {
        if (b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF) return (char) b;
        int n = 0;
        for (int c = 0; c < b; c++)
            if (!(c >= '!' && c <= '~' || c >= 0xA1 && c <= 0xAC || c >= 0xAE && c <= 0xFF)) n++;
        return (char) (256 + n);
    }

    static String byteLevel(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) sb.append(byteChar(b & 0xFF));
        return sb.toString();
    }

    /**
     * A small byte-level tokenizer.json: the 256 byte characters, merges that build " the", " world", "123",
     * "\n\n", "é" and "'s", then special tokens and the non-special added token {@code <think>}; the
     * pre-tokenizer is {@code preTokenizer}, and {@code bos} adds {@code <|begin_of_text|>} through a template.
     */
    static Map<String, Object> tokenizerJson(Object preTokenizer, boolean ignoreMerges, boolean bos) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(byteChar(b)), (long) b);
        List<String[]> merges = new ArrayList<>();
        for (String[] m : new String[][] {
            {" ", "1"},
            {"(", "h"},
            {" ", "t"},
            {"h", "e"},
            {" t", "he"},
            {" ", "w"},
            {"o", "r"},
            {" w", "or"},
            {"l", "d"},
            {" wor", "ld"},
            {"1", "2"},
            {"12", "3"},
            {"\n", "\n"},
            {"\u00e9"},
            {"'", "s"},
            {"w", "or"},
            {"wor", "ld"}
        }) {
            String[] pair = m.length == 2
                    ? new String[] {byteLevel(m[0]), byteLevel(m[1])}
                    : new String[] {
                        byteLevel(m[0]).substring(0, 1), byteLevel(m[0]).substring(1)
                    };
            merges.add(pair);
            vocab.putIfAbsent(pair[0] + pair[1], (long) vocab.size());
        }
        List<Object> added = new ArrayList<>();
        for (String[] t : new String[][] {
            {"<|begin_of_text|>", "true"},
            {"<|end_of_text|>", "true"},
            {"<|eot_id|>", "true"},
            {"<think>", "false"},
            {"</think>", "false"}
        }) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", (long) vocab.size() + added.size());
            a.put("content", t[0]);
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", Boolean.parseBoolean(t[1]));
            added.add(a);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("ignore_merges", ignoreMerges);
        model.put("vocab", vocab);
        model.put(
                "merges", merges.stream().map(p -> (Object) List.of(p[0], p[1])).toList());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", preTokenizer);
        if (bos) {
            root.put(
                    "post_processor",
                    Map.of(
                            "type",
                            "TemplateProcessing",
                            "single",
                            List.of(
                                    Map.of("SpecialToken", Map.of("id", "<|begin_of_text|>", "type_id", 0L)),
                                    Map.of("Sequence", Map.of("id", "A", "type_id", 0L))),
                            "special_tokens",
                            Map.of()));
        }
        root.put(
                "decoder",
                Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        root.put("model", model);
        return root;
    }

    static Map<String, Object> split(String regex, boolean thenGpt2) {
        return Map.of(
                "type",
                "Sequence",
                "pretokenizers",
                List.of(
                        Map.of(
                                "type",
                                "Split",
                                "pattern",
                                Map.of("Regex", regex),
                                "behavior",
                                "Isolated",
                                "invert",
                                false),
                        Map.of(
                                "type",
                                "ByteLevel",
                                "add_prefix_space",
                                false,
                                "trim_offsets",
                                true,
                                "use_regex",
                                thenGpt2)));
    }

    private Path write(String name, Map<String, Object> json) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Json.write(json));
        return file;
    }

    /** Exports a tiny random model whose vocabulary is {@code modelVocab} (at least the tokenizer's) with the tokenizer in {@code json}. */
    private Checkpoint exportAndReload(String name, Path json, Tokenizer tok, int modelVocab, String expectedPre)
            throws IOException {
        LlamaModel model = LlamaModel.random(
                LlamaConfig.builder()
                        .dim(8)
                        .layers(1)
                        .heads(2)
                        .kvHeads(1)
                        .hiddenDim(16)
                        .vocabSize(modelVocab)
                        .maxSeqLen(64)
                        .tiedEmbeddings(true)
                        .ropeLayout(RopeLayout.INTERLEAVED)
                        .build(),
                7);
        Path file = tmp.resolve(name + ".gguf");
        GgufWriter.write(file, model.toCheckpoint(), GgufVocabulary.of(tok, json, modelVocab), StoredType.F32, name);
        Map<String, Object> meta = GgufCheckpoint.header(file).metadata();
        assertEquals("gpt2", meta.get("tokenizer.ggml.model"));
        assertEquals(expectedPre, meta.get("tokenizer.ggml.pre"));
        assertEquals(tok.addsBos(), meta.get("tokenizer.ggml.add_bos_token"));
        Checkpoint c = Checkpoints.load(file);
        assertEquals(modelVocab, c.config().vocabSize());
        int[] probe = tok.encode(SAMPLES.get(0), true, false);
        probe = Arrays.copyOf(probe, Math.min(probe.length, 32));
        assertEquals(
                0.0,
                LlamaModel.fromCheckpoint(c).logits(probe).maxAbsDiff(model.logits(probe)),
                "bit-identical logits");
        assertSameTokenizer(tok, c.tokenizer(), SAMPLES);
        return c;
    }

    static void assertSameTokenizer(Tokenizer expected, Tokenizer reloaded, List<String> samples) {
        assertEquals(expected.addsBos(), reloaded.addsBos(), "add_bos_token");
        assertEquals(expected.bosId(), reloaded.bosId(), "BOS");
        List<Integer> ends = Arrays.stream(reloaded.eosIds()).boxed().toList();
        for (int id : expected.eosIds()) assertTrue(ends.contains(id), "end-of-generation ids " + ends + " lack " + id);
        for (String s : samples) {
            int[] ids = expected.encode(s, expected.addsBos(), false);
            assertArrayEquals(ids, reloaded.encode(s, reloaded.addsBos(), false), s);
            assertEquals(expected.decode(ids), reloaded.decode(ids), s);
        }
    }

    @Test
    void llama3StyleTokenizerExportsAsLlamaBpeAndReloadsWithTheSameIdsAndLogits() throws IOException {
        Path json = write("llama3", tokenizerJson(split(LLAMA3, false), true, true));
        Tokenizer tok = Tokenizers.load(json);
        assertTrue(tok.addsBos());
        Checkpoint c = exportAndReload("llama3", json, tok, tok.vocabSize() + 7, "llama-bpe");
        Map<String, Object> meta = new LinkedHashMap<>(
                GgufCheckpoint.header(tmp.resolve("llama3.gguf")).metadata());
        meta.put("tokenizer.ggml.pre", "gpt-2");
        int[] gpt2Split = Tokenizers.fromGguf(meta).encode(SAMPLES.get(0), false, false);
        assertTrue(
                !Arrays.equals(tok.encode(SAMPLES.get(0), false, false), gpt2Split),
                "the samples tell the pre-tokenizers apart");
        int think = tok.encode("<think>", false, false)[0];
        assertArrayEquals(
                new int[] {think},
                c.tokenizer().encode("<think>", false, false),
                "a non-special added token matches whole");
        assertEquals("<think>", c.tokenizer().decode(new int[] {think}), "and decodes as text");
    }

    @Test
    void qwenStyleAndGpt2StyleTokenizersExportWithTheirPreTokenizers() throws IOException {
        Path qwen = write("qwen", tokenizerJson(split(QWEN2, false), false, false));
        Tokenizer q = Tokenizers.load(qwen);
        exportAndReload("qwen", qwen, q, q.vocabSize(), "qwen2");
        Path gpt2 = write(
                "gpt2",
                tokenizerJson(
                        Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true),
                        false,
                        false));
        Tokenizer g = Tokenizers.load(gpt2);
        exportAndReload("gpt2", gpt2, g, g.vocabSize() + 1, "gpt-2");
    }

    @Test
    void aPreTokenizerLlamaCppCannotNameIsRefusedWithTheFile() throws IOException {
        Path json = write("custom", tokenizerJson(split("\\p{L}+|[^\\p{L}]+", false), false, false));
        Tokenizer tok = Tokenizers.load(json);
        FormatException e = assertThrows(FormatException.class, () -> GgufVocabulary.of(tok, json, tok.vocabSize()));
        assertTrue(
                e.getMessage().contains(json.toString()) && e.getMessage().contains("tokenizer.ggml.pre"),
                e.getMessage());
        assertNull(Tokenizers.ggufPreName(
                Map.of("model", Map.of(), "pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", true))));
    }

    /** Ids with gaps (the added tokens placed after a reserved range) export as unused placeholders, which decode to nothing. */
    @Test
    @SuppressWarnings("unchecked")
    void aVocabularyWithGapsExportsWithUnusedPlaceholders() throws IOException {
        Map<String, Object> root = tokenizerJson(split(LLAMA3, false), true, true);
        for (Object a : (List<Object>) root.get("added_tokens"))
            ((Map<String, Object>) a).put("id", (Long) ((Map<String, Object>) a).get("id") + 40);
        Path json = write("gaps", root);
        Tokenizer tok = Tokenizers.load(json);
        int hole = tok.vocabSize() - 5 - 1;
        assertNull(tok.piece(hole), "the id before the added tokens is a gap");
        Checkpoint c = exportAndReload("gaps", json, tok, tok.vocabSize(), "llama-bpe");
        assertEquals("[PAD" + hole + "]", c.tokenizer().piece(hole));
        assertEquals(
                GgufVocabulary.UNUSED,
                ((List<Long>) GgufCheckpoint.header(tmp.resolve("gaps.gguf"))
                                .metadata()
                                .get("tokenizer.ggml.token_type"))
                        .get(hole)
                        .intValue());
        int[] withHole = {tok.encode(" the", false, false)[0], hole, tok.encode(" world", false, false)[0]};
        assertEquals(tok.decode(withHole), c.tokenizer().decode(withHole));
        assertEquals(" the world", c.tokenizer().decode(withHole));
        assertEquals(2, tok.encode(" the world", false, false).length);
    }

    /** A SentencePiece-style tokenizer.json (stories260K's) with an added token after a gap exports as a "llama" vocabulary. */
    @Test
    @SuppressWarnings("unchecked")
    void aSentencePieceVocabularyWithAGapExportsToo() throws IOException {
        Path original = TestData.file("models/stories260K-hf/tokenizer.json");
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(original), original.toString());
        List<Object> added = new ArrayList<>((List<Object>) root.get("added_tokens"));
        added.add(Map.of("id", 520L, "content", "<|sep|>", "special", true));
        root.put("added_tokens", added);
        Path json = write("sp-gap", root);
        Tokenizer tok = Tokenizers.load(json);
        assertEquals(521, tok.vocabSize());
        LlamaModel model = LlamaModel.random(
                LlamaConfig.builder()
                        .dim(8)
                        .layers(1)
                        .heads(2)
                        .kvHeads(1)
                        .hiddenDim(16)
                        .vocabSize(521)
                        .maxSeqLen(64)
                        .tiedEmbeddings(true)
                        .ropeLayout(RopeLayout.INTERLEAVED)
                        .build(),
                3);
        Path file = tmp.resolve("sp-gap.gguf");
        GgufWriter.write(file, model.toCheckpoint(), GgufVocabulary.of(tok, json, 521), StoredType.F32, "sp-gap");
        Tokenizer reloaded = Checkpoints.load(file).tokenizer();
        assertEquals("llama", GgufCheckpoint.header(file).metadata().get("tokenizer.ggml.model"));
        assertSameTokenizer(
                tok, reloaded, List.of("Once upon a time, Lily saw a big red ball.", "Tabs\tand 123 \u00e9"));
        assertEquals("", reloaded.decode(new int[] {515}));
        assertEquals(tok.decode(new int[] {400, 520, 515, 401}), reloaded.decode(new int[] {400, 520, 515, 401}));
    }

    /** The real Llama-3.1 and Qwen3 tokenizer files, with a model whose vocabulary is theirs (Qwen3's padded as its models are). */
    @Test
    void realLlama31AndQwen3TokenizersSurviveTheGgufRoundTrip() throws IOException {
        for (String[] t : new String[][] {{"llama3.1", "llama-bpe", "0"}, {"qwen3", "qwen2", "267"}}) {
            Path json = TestData.file("tokenizers/" + t[0] + "/tokenizer.json");
            Tokenizer tok = Tokenizers.load(json);
            Checkpoint c = exportAndReload(t[0], json, tok, tok.vocabSize() + Integer.parseInt(t[2]), t[1]);
            assertSameTokenizer(
                    tok,
                    c.tokenizer(),
                    List.of(
                            "Tabs\tand \u00e7a marche, 1,234,567 items; don't STOP\n\n\n  end",
                            "<|im_start|>user\nHi<|im_end|>"));
        }
    }
}

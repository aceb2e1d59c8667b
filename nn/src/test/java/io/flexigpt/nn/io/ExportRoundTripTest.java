package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.tokenizer.HfTokenizer;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real stories260K model exported to GGUF (F32, F16) and to a Hugging Face directory reloads with the
 * same greedy tokens (F32: bit-identical logits), with the GGUF metadata llama.cpp expects, a vocabulary
 * that tokenizes as the original tokenizer does, and 32-byte aligned tensors.
 */
class ExportRoundTripTest {
    @TempDir
    Path tmp;

    static final int[] PROBE = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376};
    static final String TEXT =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. Ünïcode: 日本 🙂";

    static int[] greedy(LlamaModel model) {
        return new Generator(model).generate(new int[] {1}, 60, SamplingConfig.greedy(), new int[] {1, 2}, id -> true);
    }

    private static LlamaModel stories() throws IOException {
        return LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
    }

    @Test
    void ggufF32ReloadsBitIdenticallyWithItsVocabulary() throws IOException {
        LlamaModel model = stories();
        Llama2cTokenizer tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        Path file = tmp.resolve("stories.gguf");
        GgufWriter.write(file, model.toCheckpoint(), GgufVocabulary.of(tok, null, 512), StoredType.F32, "stories260K");
        Checkpoint c = Checkpoints.load(file);
        LlamaModel loaded = LlamaModel.fromCheckpoint(c);
        assertEquals(0.0, loaded.logits(PROBE).maxAbsDiff(model.logits(PROBE)), "bit-identical logits");
        assertArrayEquals(greedy(model), greedy(loaded));
        assertEquals(model.config(), loaded.config());
        Tokenizer reloaded = c.tokenizer();
        assertNotNull(reloaded, "the GGUF carries the vocabulary");
        assertArrayEquals(tok.encode(TEXT, true, false), reloaded.encode(TEXT, true, false));
        assertEquals(tok.decode(tok.encode(TEXT, true, false)), reloaded.decode(tok.encode(TEXT, true, false)));

        GgufCheckpoint.Header h = GgufCheckpoint.header(file);
        Map<String, Object> m = h.metadata();
        assertEquals(3, h.version());
        assertEquals("llama", m.get("general.architecture"));
        assertEquals(8L, m.get("llama.rope.dimension_count"));
        assertEquals(512L, m.get("llama.context_length"));
        assertEquals(4L, m.get("llama.attention.head_count_kv"));
        assertEquals(1e-5, ((Number) m.get("llama.attention.layer_norm_rms_epsilon")).doubleValue(), 1e-12);
        assertEquals("llama", m.get("tokenizer.ggml.model"));
        assertEquals(1L, m.get("tokenizer.ggml.bos_token_id"));
        assertEquals(2L, m.get("tokenizer.ggml.eos_token_id"));
        // the same vocabulary as llama.cpp's own conversion of this model
        Map<String, Object> reference = GgufCheckpoint.header(TestData.file("models/stories260K/stories260K-f16.gguf"))
                .metadata();
        for (String key : List.of(
                "tokenizer.ggml.tokens",
                "tokenizer.ggml.scores",
                "tokenizer.ggml.token_type",
                "tokenizer.ggml.unknown_token_id")) {
            assertEquals(reference.get(key), m.get(key), key);
        }
        assertEquals(0, h.dataStart() % 32);
        for (GgufCheckpoint.TensorInfo t : h.tensors().values())
            assertEquals(0, t.offset() % 32, t.name() + " aligned");
        assertFalse(h.tensors().containsKey("output.weight"), "tied embeddings: no output tensor");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(
                    List.of("stories.gguf"),
                    files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary files left");
        }
    }

    @Test
    void ggufF16KeepsTheGreedyTokensAndNormsInF32() throws IOException {
        LlamaModel model = stories();
        Path file = tmp.resolve("stories-f16.gguf");
        GgufWriter.write(
                file,
                model.toCheckpoint(),
                GgufVocabulary.of(Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin")), null, 512),
                StoredType.F16,
                "stories260K");
        LlamaModel loaded = LlamaModel.fromCheckpoint(Checkpoints.load(file));
        double diff = loaded.logits(PROBE).maxAbsDiff(model.logits(PROBE));
        assertTrue(diff > 0 && diff < 0.1, "F16 rounding only: " + diff);
        assertArrayEquals(greedy(model), greedy(loaded));
        GgufCheckpoint.Header h = GgufCheckpoint.header(file);
        assertEquals(0, h.tensors().get("blk.0.attn_norm.weight").type(), "norm gains stay F32");
        assertEquals(1, h.tensors().get("blk.0.attn_q.weight").type(), "matrices F16");
        assertEquals(1L, h.metadata().get("general.file_type"));
        assertTrue(Files.size(file) < Files.size(TestData.file("models/stories260K/tinyllamas-stories-260k-f32.gguf")));
    }

    /** A rotate-half (Hugging Face) model gets its q/k rows permuted to GGUF's interleaved layout; its tokenizer.json becomes a "llama" vocabulary. */
    @Test
    void aHuggingFaceModelAndItsTokenizerJsonExportToGguf() throws IOException {
        Path hf = TestData.file("models/stories260K-hf");
        Checkpoint source = Checkpoints.load(hf);
        assertEquals(RopeLayout.ROTATE_HALF, source.config().ropeLayout());
        LlamaModel model = LlamaModel.fromCheckpoint(source);
        HfTokenizer tok = HfTokenizer.load(hf.resolve("tokenizer.json"));
        Path file = tmp.resolve("hf.gguf");
        GgufWriter.write(
                file,
                source,
                GgufVocabulary.of(tok, hf.resolve("tokenizer.json"), 512),
                StoredType.F32,
                "stories260K-hf");
        Checkpoint c = Checkpoints.load(file);
        LlamaModel loaded = LlamaModel.fromCheckpoint(c);
        assertEquals(RopeLayout.INTERLEAVED, loaded.config().ropeLayout());
        assertTrue(loaded.logits(PROBE).maxAbsDiff(model.logits(PROBE)) < 1e-5);
        assertArrayEquals(greedy(model), greedy(loaded));
        assertArrayEquals(
                tok.encode(TEXT, true, false),
                c.tokenizer().encode(TEXT, true, false),
                "score-greedy merging reproduces the BPE ranks");
    }

    @Test
    void huggingFaceExportReloadsWithItsTokenizer() throws IOException {
        Path source = TestData.file("models/stories260K-hf");
        LlamaModel model = LlamaModel.fromCheckpoint(Checkpoints.load(source));
        Path dir = tmp.resolve("hf");
        Path tokFile = source.resolve("tokenizer.json");
        HfExport.write(dir, model.toCheckpoint(), StoredType.F32, Map.of("tokenizer.json", tokFile));
        LlamaModel loaded = LlamaModel.fromCheckpoint(Checkpoints.load(dir));
        assertEquals(0.0, loaded.logits(PROBE).maxAbsDiff(model.logits(PROBE)), "bit-identical logits");
        assertArrayEquals(greedy(model), greedy(loaded));
        assertArrayEquals(Files.readAllBytes(tokFile), Files.readAllBytes(dir.resolve("tokenizer.json")));

        // from llama2.c's interleaved layout: q/k rows permuted to rotate-half, the same function up to fp32 rounding
        LlamaModel llama2c = stories();
        HfExport.write(tmp.resolve("from-bin"), llama2c.toCheckpoint(), StoredType.F32, Map.of());
        LlamaModel permuted = LlamaModel.fromCheckpoint(Checkpoints.load(tmp.resolve("from-bin")));
        assertEquals(RopeLayout.ROTATE_HALF, permuted.config().ropeLayout(), "Hugging Face rotary layout");
        assertTrue(permuted.logits(PROBE).maxAbsDiff(llama2c.logits(PROBE)) < 1e-4);
        assertArrayEquals(greedy(llama2c), greedy(permuted));

        HfExport.write(tmp.resolve("hf16"), model.toCheckpoint(), StoredType.F16, Map.of());
        assertArrayEquals(greedy(model), greedy(LlamaModel.fromCheckpoint(Checkpoints.load(tmp.resolve("hf16")))));
    }

    @Test
    void nonFiniteWeightsAreRefusedAndLeaveNoFile() throws IOException {
        LlamaModel model = stories();
        Checkpoint c = model.toCheckpoint();
        Tensor q = c.weights().get("model.layers.2.self_attn.q_proj.weight");
        q.setInPlace(Float.NaN, 3, 5);
        Path file = tmp.resolve("bad.gguf");
        GgufVocabulary vocab =
                GgufVocabulary.of(Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin")), null, 512);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GgufWriter.write(file, c, vocab, StoredType.F32, "bad"));
        assertTrue(
                e.getMessage().contains("blk.2.attn_q.weight") && e.getMessage().contains("NaN"), e.getMessage());
        IllegalArgumentException h = assertThrows(
                IllegalArgumentException.class,
                () -> HfExport.write(tmp.resolve("bad-hf"), c, StoredType.F32, Map.of()));
        assertTrue(h.getMessage().contains("model.layers.2.self_attn.q_proj.weight"), h.getMessage());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
    }
}

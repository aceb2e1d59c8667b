package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.io.Json;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.SafeTensorsFile;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compressed-model directory: every kind of model the methods produce reloads bit-exactly with the
 * same weight sharing and each distinct tensor stored once; writes leave no temporary files; and damaged,
 * inconsistent or foreign files fail quickly with an exception naming the file and what was expected.
 */
class CompressedModelsTest {
    @TempDir
    Path tmp;

    static final double[] SCORES = {9, 1, 5, 2, 8};

    private static LlamaModel teacher() {
        return TinyModels.random(5, 21);
    }

    /** Saves and reloads {@code model}, checking logits, sharing, parameter counts and that nothing else is in the directory. */
    private LlamaModel roundTrip(LlamaModel model, String method) throws IOException {
        Path dir = tmp.resolve(method);
        CompressedModels.save(dir, model, method);
        LlamaModel loaded = CompressedModels.load(dir);
        assertEquals(
                0.0,
                loaded.logits(TinyModels.PROBE).maxAbsDiff(model.logits(TinyModels.PROBE)),
                method + ": bit-identical logits");
        assertEquals(model.parameterCount(), loaded.parameterCount(), method);
        assertEquals(
                ParameterAccount.of(model).computePerToken(),
                ParameterAccount.of(loaded).computePerToken(),
                method + ": the same sharing");
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(model.parameters().size(), f.names().size(), method + ": each distinct tensor once");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("config.json", "model.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left");
        }
        for (int i = 0; i < model.blocks().size(); i++) {
            if (model.blocks().get(i).attention().q() instanceof SharedLowRankLinear q) {
                SharedLowRankLinear lq = assertInstanceOf(
                        SharedLowRankLinear.class,
                        loaded.blocks().get(i).attention().q(),
                        "block " + i + " kind");
                assertEquals(q.base() == null, lq.base() == null);
                assertEquals(q.adapterRank(), lq.adapterRank());
            }
        }
        return loaded;
    }

    /** Sets every adapter B (zero after LoRA init) to random values, as training would. */
    private static void train(LlamaModel model) {
        Rng rng = new Rng(8);
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            if (e.getKey().endsWith("lora_B") || e.getKey().endsWith("_output_scale"))
                e.getValue()
                        .value()
                        .copyFromInPlace(rng.normal(0.5f, 0.3f, e.getValue().shape()));
        }
    }

    @Test
    void everyMethodsModelReloadsBitExactly() throws IOException {
        LlamaModel teacher = teacher();
        CalibrationData data = TinyModels.calibration(teacher, 2, 8, 2, 3);
        FlexiGptConfig standard = FlexiGptConfig.standard(0.4, RankSpec.of(3));
        CompressionResult flexi = FlexiGpt.compress(teacher, SCORES, data, standard);
        LlamaModel loaded = roundTrip(flexi.model(), "flexigpt");
        for (int p : flexi.plan().pruned()) {
            SharedLowRankLinear q =
                    (SharedLowRankLinear) loaded.blocks().get(p).attention().q();
            assertSame(
                    Projections.linear(loaded.blocks().get(flexi.sources().get(p)), "q_proj")
                            .weight(),
                    q.base());
        }
        roundTrip(
                FlexiGpt.compress(teacher, SCORES, data, standard.withOutputScales(false))
                        .model(),
                "no-scales");
        roundTrip(
                FlexiGpt.compress(teacher, SCORES, data, standard.withSharing(false))
                        .model(),
                "no-sharing");
        roundTrip(Baselines.shortGpt(teacher, SCORES, 0.4, true, true).model(), "shortgpt");
        roundTrip(teacher, "plain");
        LlamaModel grown = Extension.extend(teacher, new int[] {1, 3}, RankSpec.of(2), 3);
        train(grown);
        roundTrip(grown, "extended");
    }

    @Test
    void aTrainedDropLoraModelKeepsItsAdapters() throws IOException {
        LlamaModel model =
                Baselines.dropLora(teacher(), SCORES, 0.4, true, true, 5000, 1).model();
        train(model);
        LlamaModel loaded = roundTrip(model, "drop-lora");
        SharedLowRankLinear q =
                (SharedLowRankLinear) loaded.blocks().get(0).attention().q();
        assertSame(
                Projections.get(loaded.blocks().get(0), "q_proj")
                        .namedParameters()
                        .get("weight"),
                q.base());
    }

    @Test
    void savingAgainReplacesTheModel() throws IOException {
        Path dir = tmp.resolve("m");
        CompressedModels.save(dir, teacher(), "plain");
        LlamaModel second =
                Baselines.shortGpt(teacher(), SCORES, 0.4, true, true).model();
        CompressedModels.save(dir, second, "shortgpt");
        assertEquals(3, CompressedModels.load(dir).blocks().size());
        assertEquals(
                0.0, CompressedModels.load(dir).logits(TinyModels.PROBE).maxAbsDiff(second.logits(TinyModels.PROBE)));
    }

    // ---------------------------------------------------------------- bad input

    private Path saved(String name) throws IOException {
        Path dir = tmp.resolve(name);
        LlamaModel teacher = teacher();
        CompressedModels.save(
                dir,
                FlexiGpt.compress(
                                teacher,
                                SCORES,
                                TinyModels.calibration(teacher, 2, 8, 2, 3),
                                FlexiGptConfig.standard(0.4, RankSpec.of(3)))
                        .model(),
                "flexigpt");
        return dir;
    }

    /** Loading {@code dir} fails quickly with an IOException whose message names {@code file} and contains {@code expected}. */
    private static void assertRejected(Path dir, Path file, String expected) {
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(20), () -> assertThrows(IOException.class, () -> CompressedModels.load(dir)));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "says '" + expected + "': " + e.getMessage());
    }

    /** Rewrites the saved tensors file after {@code edit} changes its tensors and its flexigpt metadata. */
    private static void rewrite(
            Path dir, Consumer<Map<String, Tensor>> tensorEdit, Consumer<Map<String, Object>> metaEdit)
            throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> meta;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String n : f.names()) tensors.put(n, f.load(n));
            meta = Json.object(Json.parse(f.metadata().get("flexigpt"), "test"), "metadata", "test");
        }
        tensorEdit.accept(tensors);
        metaEdit.accept(meta);
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt", "flexigpt", Json.write(meta)), StoredType.F32);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> block(Map<String, Object> meta, int i) {
        return (Map<String, Object>) ((List<Object>) meta.get("blocks")).get(i);
    }

    @Test
    void aTruncatedFileIsRejected() throws IOException {
        Path dir = saved("truncated"), file = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertRejected(dir, file, "data section");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        assertRejected(dir, file, "too short");
    }

    @Test
    void aHeaderDeclaringAnAbsurdLengthIsRejected() throws IOException {
        Path dir = saved("header"), file = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 2), 0);
        }
        assertRejected(dir, file, "header length");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 64), 0);
        }
        assertRejected(dir, file, "header");
    }

    @Test
    void aPlainCheckpointIsNotTakenForACompressedModel() throws IOException {
        Path dir = tmp.resolve("plain-hf");
        HfCheckpoint.write(dir, teacher().toCheckpoint(), StoredType.F32);
        assertRejected(dir, dir.resolve("model.safetensors"), "not a compressed model");
    }

    @Test
    void aConfigThatDoesNotBelongToTheWeightsIsRejected() throws IOException {
        Path dir = saved("other-config");
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        String changed =
                text.replaceFirst("\"max_position_embeddings\"\\s*:\\s*\\d+", "\"max_position_embeddings\": 48");
        assertNotEquals(text, changed, "the test edits the context length");
        Files.writeString(config, changed);
        assertRejected(dir, config, "does not belong to");
    }

    @Test
    void aMissingConfigIsNamed() throws IOException {
        Path dir = saved("no-config");
        Files.delete(dir.resolve("config.json"));
        assertRejected(dir, dir.resolve("config.json"), "config.json");
    }

    @Test
    @SuppressWarnings("unchecked")
    void inconsistentMetadataIsRejected() throws IOException {
        Path dir = saved("meta");
        Path file = dir.resolve("model.safetensors");
        rewrite(dir, t -> {}, m -> m.put("format", "something-else"));
        assertRejected(dir, file, "expected flexigpt-compressed");

        dir = saved("count");
        rewrite(dir, t -> {}, m -> ((List<Object>) m.get("blocks")).remove(4));
        assertRejected(dir, dir.resolve("model.safetensors"), "4 blocks in metadata, config.json says 5");

        dir = saved("range");
        rewrite(dir, t -> {}, m -> block(m, 1).put("source", 9));
        assertRejected(dir, dir.resolve("model.safetensors"), "shares block 9, which does not exist");

        dir = saved("kind");
        rewrite(dir, t -> {}, m -> block(m, 1).put("kind", "mystery"));
        assertRejected(dir, dir.resolve("model.safetensors"), "kind");

        dir = saved("layout");
        rewrite(dir, t -> {}, m -> m.put("rope_layout", "SIDEWAYS"));
        assertRejected(dir, dir.resolve("model.safetensors"), "rope_layout");
    }

    @Test
    void missingOrMisshapenAdaptersAreRejected() throws IOException {
        Path dir = saved("no-adapter");
        rewrite(dir, t -> t.remove("model.layers.1.mlp.up_proj.lora_A"), m -> {});
        assertRejected(dir, dir.resolve("model.safetensors"), "lacks adapter tensors");

        dir = saved("no-adapter-unshared");
        rewrite(dir, t -> t.remove("model.layers.1.mlp.up_proj.lora_B"), m -> block(m, 1)
                .put("source", -1));
        assertRejected(dir, dir.resolve("model.safetensors"), "lacks adapter tensors");

        dir = saved("bad-shape");
        rewrite(dir, t -> t.put("model.layers.1.self_attn.q_proj.lora_A", Tensor.zeros(3, 5)), m -> {});
        assertRejected(dir, dir.resolve("model.safetensors"), "block 1");

        dir = saved("bad-scale");
        rewrite(dir, t -> t.put("model.layers.1.attn_output_scale", Tensor.zeros(3)), m -> {});
        assertRejected(dir, dir.resolve("model.safetensors"), "attn_output_scale");
    }

    @Test
    void adaptersOfABlockTheMetadataCallsPlainAreRejected() throws IOException {
        Path dir = saved("stray");
        rewrite(dir, t -> t.put("model.layers.0.self_attn.q_proj.lora_A", Tensor.zeros(2, TinyModels.DIM)), m -> {});
        assertRejected(
                dir,
                dir.resolve("model.safetensors"),
                "'model.layers.0.self_attn.q_proj.lora_A' belongs to no shared block");
    }

    @Test
    void aSourceWhoseWeightsAreNotStoredIsRejected() throws IOException {
        Path dir = saved("chain");
        // block 1 would share block 3, which is itself a replacement with no stored weights
        rewrite(dir, t -> {}, m -> block(m, 1).put("source", 3));
        assertRejected(dir, dir.resolve("model.safetensors"), "block 3");
    }
}

package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.Linear;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.io.GgufVocabulary;
import io.flexigpt.nn.io.GgufWriter;
import io.flexigpt.nn.io.HfExport;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merging a compressed model into a plain Llama model: a FlexiGPT-compressed stories260K after a few
 * recovery steps, a drop + LoRA model and an extended model merge into plain models with the same logits
 * (up to fp32 rounding) and greedy tokens, and those export to GGUF and Hugging Face files that reload so.
 */
class PlainModelsTest {
    @TempDir
    Path tmp;

    static LlamaModel teacher;
    static Llama2cTokenizer tokenizer;
    static TokenDataset data;
    static CalibrationData calibration;
    static final int[] PROBE = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};

    @BeforeAll
    static void load() throws IOException {
        teacher = TinyModels.stories260K();
        tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        data = TokenDataset.encode(text.substring(0, 60_000), tokenizer, null, 0.2);
        calibration = CalibrationData.sample(data.train(), 8, 64, 4, 7);
    }

    static int[] greedy(LlamaModel model) {
        return new Generator(model).generate(new int[] {1}, 60, SamplingConfig.greedy(), new int[] {1, 2}, id -> true);
    }

    /** Logits agree to fp32 rounding (relative to their scale) and greedy decoding gives the same tokens. */
    static void assertSameFunction(LlamaModel expected, LlamaModel actual, String what) {
        Tensor want = expected.logits(PROBE), got = actual.logits(PROBE);
        double scale = want.abs().max(-1, false).max(0, false).item();
        assertTrue(
                got.maxAbsDiff(want) <= 1e-5 * scale,
                what + ": max logit difference " + got.maxAbsDiff(want) + " at scale " + scale);
        assertArrayEquals(greedy(expected), greedy(actual), what + ": greedy tokens");
    }

    static void assertPlain(LlamaModel m) {
        for (TransformerBlock b : m.blocks().asList()) {
            assertNull(b.attentionScale());
            assertNull(b.mlpScale());
            for (String p : Projections.NAMES) assertInstanceOf(Linear.class, Projections.get(b, p));
        }
    }

    private static LlamaModel recovered() throws IOException {
        CompressionResult r = FlexiGpt.compress(
                teacher,
                new BlockInfluence().score(teacher, calibration),
                calibration,
                FlexiGptConfig.standard(0.4, RankSpec.of(4)));
        LlamaModel student = r.model();
        Recovery.train(
                teacher,
                student,
                data,
                TrainConfig.builder()
                        .steps(4)
                        .batchSize(2)
                        .seqLen(32)
                        .lr(1e-3)
                        .minLr(1e-4)
                        .warmupSteps(1)
                        .seed(3)
                        .build(),
                1.0,
                1.0,
                null,
                null);
        return student;
    }

    @Test
    void aRecoveredFlexiGptModelMergesAndExportsToBothFormats() throws IOException {
        LlamaModel student = recovered();
        int shared = 0;
        for (TransformerBlock b : student.blocks().asList()) {
            if (b.attention().o() instanceof SharedLowRankLinear s) {
                assertNotNull(s.base(), "FlexiGPT shares a base");
                assertTrue(
                        s.adapterB().value().abs().max(0, false).max(0, false).item() > 0, "adapters are non-zero");
                assertNotNull(b.attentionScale(), "output scales to fold");
                shared++;
            }
        }
        assertEquals(2, shared);
        // through the project's own compressed format, as the export command reads it
        CompressedModels.save(tmp.resolve("compressed"), student, "flexigpt");
        LlamaModel compressed = CompressedModels.load(tmp.resolve("compressed"));
        LlamaModel plain = PlainModels.merge(compressed);
        assertPlain(plain);
        assertEquals(teacher.config(), plain.config());
        assertTrue(
                plain.parameterCount() > compressed.parameterCount(), "a plain model gives up the saving of sharing");
        assertSameFunction(compressed, plain, "merged");

        Path gguf = tmp.resolve("flexigpt.gguf");
        GgufWriter.write(
                gguf, plain.toCheckpoint(), GgufVocabulary.of(tokenizer, null, 512), StoredType.F32, "flexigpt");
        assertSameFunction(compressed, LlamaModel.fromCheckpoint(Checkpoints.load(gguf)), "GGUF F32");
        HfExport.write(tmp.resolve("hf"), plain.toCheckpoint(), StoredType.F32, Map.of());
        assertSameFunction(
                compressed, LlamaModel.fromCheckpoint(Checkpoints.load(tmp.resolve("hf"))), "Hugging Face F32");
        Path f16 = tmp.resolve("flexigpt-f16.gguf");
        GgufWriter.write(
                f16, plain.toCheckpoint(), GgufVocabulary.of(tokenizer, null, 512), StoredType.F16, "flexigpt");
        assertArrayEquals(
                greedy(compressed),
                greedy(LlamaModel.fromCheckpoint(Checkpoints.load(f16))),
                "GGUF F16: greedy tokens");
    }

    @Test
    void dropLoraMergesIntoASmallerPlainModel() {
        LlamaModel model = Baselines.dropLora(teacher, new double[] {9, 1, 5, 2, 8}, 0.4, true, true, 5000, 1)
                .model();
        Rng rng = new Rng(8);
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            if (e.getKey().endsWith("lora_B"))
                e.getValue()
                        .value()
                        .copyFromInPlace(rng.normal(0f, 0.05f, e.getValue().shape()));
        }
        LlamaModel plain = PlainModels.merge(model);
        assertPlain(plain);
        assertEquals(3, plain.blocks().size());
        assertEquals(
                teacher.config().withLayers(3).parameterCount(),
                plain.parameterCount(),
                "exactly a 3-block Llama model");
        assertSameFunction(model, plain, "drop + LoRA");
        assertTrue(
                plain.logits(PROBE)
                                .maxAbsDiff(Baselines.shortGpt(teacher, new double[] {9, 1, 5, 2, 8}, 0.4, true, true)
                                        .model()
                                        .logits(PROBE))
                        > 1e-3,
                "the adapters are merged, not dropped");
    }

    @Test
    void anExtendedModelFoldsItsZeroScalesExactly() {
        LlamaModel grown = Extension.extend(teacher, new int[] {1, 3}, RankSpec.of(2), 3);
        LlamaModel plain = PlainModels.merge(grown);
        assertPlain(plain);
        assertEquals(7, plain.blocks().size());
        assertEquals(
                0.0,
                plain.logits(PROBE).maxAbsDiff(teacher.logits(PROBE)),
                "zero output scales fold into zero o_proj / down_proj rows");
        assertEquals(
                0.0,
                teacher.logits(PROBE).maxAbsDiff(PlainModels.merge(teacher).logits(PROBE)),
                "a plain model merges to itself");
    }
}

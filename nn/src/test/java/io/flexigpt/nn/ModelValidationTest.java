package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad configurations and weight sets fail with a message naming what is wrong: a missing, misshapen or
 * unexpected tensor in {@link LlamaModel#fromWeights}, an impossible {@link LlamaConfig}, bad token input.
 */
class ModelValidationTest {
    static final LlamaConfig CONFIG = TinyModels.config(2, 2, 4, 2, 12, 11, 16, false, RopeLayout.ROTATE_HALF);

    static IllegalArgumentException rejected(Map<String, Tensor> weights, LlamaConfig config) {
        return assertThrows(IllegalArgumentException.class, () -> LlamaModel.fromWeights(config, weights));
    }

    @Test
    void everyMissingTensorIsNamedWithItsExpectedShape() {
        Map<String, Tensor> complete = TinyModels.weights(CONFIG, 1, 0.5f);
        for (String name : complete.keySet()) {
            Map<String, Tensor> w = new LinkedHashMap<>(complete);
            int[] shape = w.remove(name).shape();
            String msg = rejected(w, CONFIG).getMessage();
            assertTrue(msg.contains("missing tensor '" + name + "'") && msg.contains(Arrays.toString(shape)), msg);
        }
    }

    @Test
    void everyMisshapenTensorIsNamedWithBothShapes() {
        Map<String, Tensor> complete = TinyModels.weights(CONFIG, 1, 0.5f);
        for (String name : complete.keySet()) {
            Map<String, Tensor> w = new LinkedHashMap<>(complete);
            int[] shape = w.get(name).shape();
            int[] wrong = shape.clone();
            wrong[wrong.length - 1] += 1;
            w.put(name, Tensor.zeros(wrong));
            String msg = rejected(w, CONFIG).getMessage();
            assertTrue(
                    msg.contains("'" + name + "'")
                            && msg.contains("shape " + Arrays.toString(wrong))
                            && msg.contains("expected " + Arrays.toString(shape)),
                    msg);
        }
    }

    @Test
    void anUnexpectedTensorIsNamed() {
        Map<String, Tensor> w = TinyModels.weights(CONFIG, 1, 0.5f);
        w.put("model.layers.2.mlp.up_proj.weight", Tensor.zeros(12, 16));
        assertTrue(rejected(w, CONFIG).getMessage().contains("unexpected tensor 'model.layers.2.mlp.up_proj.weight'"));

        LlamaConfig tied = LlamaConfig.builder()
                .dim(16)
                .layers(2)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(12)
                .vocabSize(11)
                .maxSeqLen(16)
                .tiedEmbeddings(true)
                .build();
        assertTrue(rejected(TinyModels.weights(CONFIG, 1, 0.5f), tied)
                .getMessage()
                .contains("unexpected tensor 'lm_head.weight'"));
    }

    @Test
    void stridedViewsAreAcceptedAsWeights() {
        Map<String, Tensor> dense = TinyModels.weights(CONFIG, 3, 0.5f), views = new LinkedHashMap<>();
        dense.forEach((k, v) -> views.put(k, v.rank() == 2 ? v.t().contiguous().t() : v));
        assertFalse(views.get("model.layers.0.self_attn.q_proj.weight").isContiguous());
        int[] tokens = {4, 0, 10, 7};
        assertEquals(
                0.0,
                LlamaModel.fromWeights(CONFIG, views)
                        .logits(tokens)
                        .maxAbsDiff(LlamaModel.fromWeights(CONFIG, dense).logits(tokens)));
    }

    enum Field {
        DIM,
        LAYERS,
        HEADS,
        KV_HEADS,
        HIDDEN,
        VOCAB,
        SEQ
    }

    @Test
    void nonPositiveOrAbsurdSizesNameTheField() {
        qt(40).forAll(
                        arbitrary().enumValues(Field.class),
                        booleans().all(),
                        integers().between(-3, 0))
                .checkAssert((field, absurd, small) -> {
                    int[] v = {16, 2, 4, 2, 12, 11, 16};
                    v[field.ordinal()] = absurd ? Integer.MAX_VALUE : small;
                    String[] names = {"dim", "nLayers", "nHeads", "nKvHeads", "hiddenDim", "vocabSize", "maxSeqLen"};
                    IllegalArgumentException e =
                            assertThrows(IllegalArgumentException.class, () -> LlamaConfig.builder()
                                    .dim(v[0])
                                    .layers(v[1])
                                    .heads(v[2])
                                    .kvHeads(v[3])
                                    .hiddenDim(v[4])
                                    .vocabSize(v[5])
                                    .maxSeqLen(v[6])
                                    .build());
                    assertTrue(
                            e.getMessage().startsWith(names[field.ordinal()] + " = " + v[field.ordinal()]),
                            e.getMessage());
                });
    }

    @Test
    void inconsistentHeadsAndConstantsAreRejected() {
        assertMessage("dim 18 is not a multiple of nHeads 4", () -> LlamaConfig.builder()
                .dim(18)
                .layers(1)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .build());
        assertMessage("nHeads 4 is not a multiple of nKvHeads 3", () -> LlamaConfig.builder()
                .dim(16)
                .layers(1)
                .heads(4)
                .kvHeads(3)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .build());
        assertMessage("head size 3 must be even", () -> LlamaConfig.builder()
                .dim(12)
                .layers(1)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .build());
        assertMessage("ropeTheta and normEps must be positive", () -> LlamaConfig.builder()
                .dim(16)
                .layers(1)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .ropeTheta(Float.NaN)
                .build());
        assertMessage("ropeTheta and normEps must be positive", () -> LlamaConfig.builder()
                .dim(16)
                .layers(1)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .normEps(0f)
                .build());
        assertMessage("ropeLayout is required", () -> LlamaConfig.builder()
                .dim(16)
                .layers(1)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(8)
                .vocabSize(8)
                .maxSeqLen(8)
                .ropeLayout(null)
                .build());
    }

    @Test
    void withersChangeOnlyTheirField() {
        LlamaConfig c = CONFIG.withLayers(5).withRopeLayout(RopeLayout.INTERLEAVED);
        assertEquals(
                LlamaConfig.builder()
                        .dim(16)
                        .layers(5)
                        .heads(4)
                        .kvHeads(2)
                        .hiddenDim(12)
                        .vocabSize(11)
                        .maxSeqLen(16)
                        .ropeLayout(RopeLayout.INTERLEAVED)
                        .build(),
                c);
        assertEquals(4, c.headDim());
        assertEquals(8, c.kvDim());
    }

    @Test
    void badTokensAreRejectedWithTheirPosition() {
        LlamaModel model = LlamaModel.random(CONFIG, 1);
        IndexOutOfBoundsException range =
                assertThrows(IndexOutOfBoundsException.class, () -> model.logits(new int[] {1, 11, 2}));
        assertTrue(
                range.getMessage().contains("token id 11 at position 1")
                        && range.getMessage().contains("vocabulary 11"),
                range.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> model.logits(new int[] {-1}));
        IllegalArgumentException ragged =
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1 has 1"), ragged.getMessage());
    }

    @Test
    void anEmptyBatchOrSequenceIsRejected() {
        LlamaModel model = LlamaModel.random(CONFIG, 1);
        assertMessage("a batch needs at least one row of tokens, got none", () -> model.forward(new int[0][]));
        assertMessage("a sequence needs at least one token, got an empty row 0", () -> model.forward(new int[][] {{}}));
        assertMessage("a sequence needs at least one token, got an empty row 0", () -> model.logits(new int[0]));
    }

    @Test
    void positionsBeyondTheContextAreRejectedWithSizesAndLimit() {
        LlamaModel model = LlamaModel.random(CONFIG, 1);
        assertEquals(16, model.config().maxSeqLen());
        model.forward(new int[][] {new int[16]});
        assertMessage(
                "17 tokens at position 0 reach position 17, beyond the model's context (maxSeqLen) of 16",
                () -> model.forward(new int[][] {new int[17]}));
        try (io.flexigpt.autograd.NoGrad ignored = io.flexigpt.autograd.NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, 32);
            model.forward(new int[][] {new int[15]}, 0, cache, null);
            model.forward(new int[][] {{3}}, 15, cache, null);
            assertMessage(
                    "1 tokens at position 16 reach position 17, beyond the model's context (maxSeqLen) of 16",
                    () -> model.forward(new int[][] {{3}}, 16, cache, null));
            assertMessage("position must be >= 0, got -1", () -> model.forward(new int[][] {{3}}, -1, cache, null));
        }
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

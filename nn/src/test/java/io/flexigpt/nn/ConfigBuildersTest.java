package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.RopeLayout;
import org.junit.jupiter.api.Test;

/** The builders of {@link LlamaConfig} and {@link TrainConfig}: defaults, round trips and validation. */
class ConfigBuildersTest {
    @Test
    void aLlamaConfigRebuiltFromItsBuilderIsEqual() {
        qt(40).forAll(TinyModels.configs()).checkAssert(c -> {
            assertEquals(c, c.toBuilder().build());
            assertEquals(c.nLayers() + 1, c.withLayers(c.nLayers() + 1).nLayers());
            assertEquals(
                    c.ropeLayout() == RopeLayout.INTERLEAVED ? RopeLayout.ROTATE_HALF : RopeLayout.INTERLEAVED,
                    c.withRopeLayout(
                                    c.ropeLayout() == RopeLayout.INTERLEAVED
                                            ? RopeLayout.ROTATE_HALF
                                            : RopeLayout.INTERLEAVED)
                            .ropeLayout());
        });
    }

    @Test
    void llamaConfigDefaults() {
        LlamaConfig c = LlamaConfig.builder()
                .dim(16)
                .layers(2)
                .heads(4)
                .hiddenDim(12)
                .vocabSize(11)
                .maxSeqLen(16)
                .build();
        assertEquals(new LlamaConfig(16, 2, 4, 4, 12, 11, 16, 10000f, 1e-5f, false, RopeLayout.ROTATE_HALF), c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.builder()
                .dim(16)
                .layers(2)
                .heads(4)
                .kvHeads(0)
                .hiddenDim(12)
                .vocabSize(11)
                .maxSeqLen(16)
                .build());
        assertTrue(e.getMessage().startsWith("nKvHeads = 0"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LlamaConfig.builder()
                        .dim(16)
                        .heads(4)
                        .hiddenDim(12)
                        .vocabSize(11)
                        .maxSeqLen(16)
                        .build(),
                "the layer count has no default");
    }

    @Test
    void aTrainConfigRebuiltFromItsBuilderIsEqual() {
        qt(40).forAll(
                        integers().between(1, 1000),
                        integers().between(0, 20),
                        doubles().between(1e-6, 1e-1),
                        longs().all())
                .checkAssert((steps, every, lr, seed) -> {
                    TrainConfig t = new TrainConfig(
                            steps, 2, 8, lr, lr / 10, Math.min(steps, 3), 0.1, 0.5, every, 2 * every, every, seed);
                    assertEquals(t, t.toBuilder().build());
                });
    }

    @Test
    void trainConfigDefaults() {
        TrainConfig t =
                TrainConfig.builder().steps(5).batchSize(2).seqLen(8).lr(1e-3).build();
        assertEquals(new TrainConfig(5, 2, 8, 1e-3, 0, 0, 0, 1.0, 0, 0, 0, 0), t);
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainConfig.builder().batchSize(2).seqLen(8).lr(1e-3).build(),
                "steps has no default");
    }
}

package io.flexigpt.nn.io;

import static io.flexigpt.tensor.testing.SeededTheory.holds;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TinyModels;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TensorGens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Saving and loading: the rotary row permutation is a bijection that maps each interleaved pair onto its
 * rotate-half pair and leaves the model's function unchanged; a model written as a Hugging Face
 * directory (config.json and safetensors) loads back with the same configuration and logits.
 */
class CheckpointRoundTripTest {
    @TempDir
    Path root;

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void ropePermutationPairsRowsAndInvertsExactly() {
        qt(40).forAll(
                        integers().between(1, 4),
                        integers().between(1, 4),
                        integers().between(1, 5),
                        longs().all())
                .checkAssert((heads, halfDim, in, seed) -> {
                    int headDim = 2 * halfDim;
                    Tensor w = TensorGens.random(seed, heads * headDim, in);
                    Tensor half = RopePermutation.toRotateHalf(w, heads);
                    for (int h = 0; h < heads; h++) {
                        for (int i = 0; i < halfDim; i++) {
                            int base = h * headDim;
                            assertEquals(0.0, half.select(0, base + i).maxAbsDiff(w.select(0, base + 2 * i)));
                            assertEquals(
                                    0.0, half.select(0, base + halfDim + i).maxAbsDiff(w.select(0, base + 2 * i + 1)));
                        }
                    }
                    assertEquals(0.0, RopePermutation.toInterleaved(half, heads).maxAbsDiff(w));
                    assertEquals(
                            0.0,
                            RopePermutation.toRotateHalf(RopePermutation.toInterleaved(w, heads), heads)
                                    .maxAbsDiff(w));
                });
    }

    @Test
    void changingTheRopeLayoutKeepsTheLogits() {
        qt(25).forAll(configs(), integers().between(1, 7), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel model = TinyModels.model(config, seed);
            int[] tokens = TinyModels.tokens(seed, length, config.vocabSize());
            RopeLayout other =
                    config.ropeLayout() == RopeLayout.INTERLEAVED ? RopeLayout.ROTATE_HALF : RopeLayout.INTERLEAVED;
            Checkpoint converted = RopePermutation.toLayout(model.toCheckpoint(), other);
            assertEquals(other, converted.config().ropeLayout());
            assertSame(converted, RopePermutation.toLayout(converted, other));
            Tensor expected = model.logits(tokens);
            assertTrue(LlamaModel.fromCheckpoint(converted).logits(tokens).allClose(expected, 1e-5, 1e-5));
        });
    }

    @Test
    void permutedWeightsReadInTheOldLayoutChangeTheLogits() {
        LlamaConfig config = TinyModels.config(2, 2, 8, 2, 16, 11, 16, false, RopeLayout.INTERLEAVED);
        LlamaModel model = TinyModels.model(config, 3);
        int[] tokens = {1, 4, 9, 2, 7};
        Checkpoint converted = RopePermutation.toLayout(model.toCheckpoint(), RopeLayout.ROTATE_HALF);
        LlamaModel mislabelled = LlamaModel.fromWeights(config, converted.weights());
        assertTrue(
                mislabelled.logits(tokens).maxAbsDiff(model.logits(tokens)) > 1e-2,
                "the permutation made no difference, so the test above proves nothing");
    }

    @Test
    void aSavedModelLoadsBackWithTheSameConfigAndLogits() {
        record Case(LlamaConfig config, int length, long seed) {}
        Gen<Case> cases = in -> new Case(
                configs().generate(in),
                integers().between(1, 6).generate(in),
                longs().all().generate(in));
        qt(15).forAll(cases)
                .checkAssert(c ->
                        holds(() -> aSavedModelLoadsBackWithTheSameConfigAndLogits(c.config(), c.length(), c.seed())));
    }

    private void aSavedModelLoadsBackWithTheSameConfigAndLogits(LlamaConfig config, int length, long seed)
            throws IOException {
        Path dir = Files.createTempDirectory(root, "model");
        java.util.Random r = new java.util.Random(seed);
        float theta = (float) Math.pow(10, 1 + 6 * r.nextDouble()), eps = (float) Math.pow(10, -9 + 7 * r.nextDouble());
        LlamaConfig withTheta = config.toBuilder().ropeTheta(theta).normEps(eps).build();
        LlamaModel model = TinyModels.model(withTheta, seed);
        HfCheckpoint.write(dir, model.toCheckpoint(), StoredType.F32);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("config.json", "model.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Checkpoint loaded = Checkpoints.load(dir);
        assertEquals(withTheta.withRopeLayout(RopeLayout.ROTATE_HALF), loaded.config());
        int[] tokens = TinyModels.tokens(seed, length, config.vocabSize());
        Tensor expected = model.logits(tokens),
                actual = LlamaModel.fromCheckpoint(loaded).logits(tokens);
        if (config.ropeLayout() == RopeLayout.ROTATE_HALF) assertEquals(0.0, actual.maxAbsDiff(expected));
        else assertTrue(actual.allClose(expected, 1e-5, 1e-5), "max difference " + actual.maxAbsDiff(expected));
    }
}

package io.flexigpt.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from a file that is not a training checkpoint of this model fails with a message naming the
 * file and what does not fit, before any training step; two runs with the same seed end bit-identical.
 */
class TrainingCheckpointErrorsTest {
    static final LlamaConfig SMALL = LlamaConfig.builder()
            .dim(16)
            .layers(1)
            .heads(2)
            .kvHeads(1)
            .hiddenDim(24)
            .vocabSize(32)
            .maxSeqLen(16)
            .tiedEmbeddings(true)
            .build();
    static final TrainConfig RUN = TrainConfig.builder()
            .steps(3)
            .batchSize(2)
            .seqLen(8)
            .lr(1e-3)
            .minLr(1e-4)
            .warmupSteps(1)
            .seed(7)
            .build();
    static final TokenDataset DATA = new TokenDataset(
            new Random(1).ints(400, 0, 32).toArray(),
            new Random(2).ints(100, 0, 32).toArray());

    static Trainer trainer(LlamaModel model, Path checkpoint, int[] steps) {
        return new Trainer(model, DATA, RUN, LossFunction.crossEntropy(), checkpoint, new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tps) {
                steps[0]++;
            }
        });
    }

    @Test
    void aCheckpointOfAnotherModelShapeIsRejectedBeforeTraining(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("run.safetensors");
        new Trainer(LlamaModel.random(SMALL, 1), DATA, RUN, LossFunction.crossEntropy(), ckpt, null).run();
        assertTrue(Files.exists(ckpt));
        LlamaConfig wider = LlamaConfig.builder()
                .dim(16)
                .layers(1)
                .heads(2)
                .kvHeads(1)
                .hiddenDim(20)
                .vocabSize(32)
                .maxSeqLen(16)
                .tiedEmbeddings(true)
                .build();
        int[] steps = {0};
        FormatException e = assertThrows(FormatException.class, () -> trainer(LlamaModel.random(wider, 1), ckpt, steps)
                .run());
        assertTrue(
                e.getMessage().contains(ckpt.toString())
                        && e.getMessage().contains("model.layers.0.mlp.gate_proj.weight")
                        && e.getMessage().contains("expected [20, 16]"),
                e.getMessage());
        assertEquals(0, steps[0]);

        LlamaConfig deeper = SMALL.withLayers(2);
        FormatException missing =
                assertThrows(FormatException.class, () -> trainer(LlamaModel.random(deeper, 1), ckpt, steps)
                        .run());
        assertTrue(missing.getMessage().contains("'model.layers.1."), missing.getMessage());
    }

    @Test
    void aPlainWeightsFileIsNotATrainingCheckpoint(@TempDir Path dir) throws IOException {
        Path weights = dir.resolve("model.safetensors");
        LlamaModel model = LlamaModel.random(SMALL, 1);
        SafeTensorsWriter.write(weights, model.stateDict(), Map.of("format", "pt"), StoredType.F32);
        FormatException e = assertThrows(
                FormatException.class, () -> trainer(model, weights, new int[1]).run());
        assertTrue(
                e.getMessage().contains(weights.toString()) && e.getMessage().contains("not a training checkpoint"),
                e.getMessage());

        Path stray = dir.resolve("stray.safetensors");
        Map<String, io.flexigpt.tensor.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("weights/x", io.flexigpt.tensor.Tensor.zeros(2));
        SafeTensorsWriter.write(
                stray,
                tensors,
                Map.of("format", "flexigpt-training-checkpoint", "step", "1", "rng", "1,2"),
                StoredType.F32);
        FormatException unexpected = assertThrows(
                FormatException.class, () -> trainer(model, stray, new int[1]).run());
        assertTrue(unexpected.getMessage().contains("unexpected tensor 'weights/x'"), unexpected.getMessage());
    }

    @Test
    void twoRunsWithTheSameSeedEndBitIdentical() throws IOException {
        LlamaModel a = LlamaModel.random(SMALL, 3), b = LlamaModel.random(SMALL, 3);
        TrainResult ra = new Trainer(a, DATA, RUN, LossFunction.crossEntropy(), null, null).run();
        new Trainer(b, DATA, RUN, LossFunction.crossEntropy(), null, null).run();
        assertEquals(3, ra.endStep());
        a.stateDict()
                .forEach((name, t) ->
                        assertEquals(0.0, t.maxAbsDiff(b.stateDict().get(name)), name));
        assertTrue(
                a.stateDict()
                                .get("model.embed_tokens.weight")
                                .maxAbsDiff(
                                        LlamaModel.random(SMALL, 3).stateDict().get("model.embed_tokens.weight"))
                        > 0,
                "training changed nothing");
    }
}

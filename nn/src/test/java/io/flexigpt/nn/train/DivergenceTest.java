package io.flexigpt.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A non-finite loss, gradient or weight stops training at its step and leaves the last good checkpoint alone. */
class DivergenceTest {
    private static final LlamaConfig CONFIG = LlamaConfig.builder()
            .dim(16)
            .layers(1)
            .heads(2)
            .hiddenDim(32)
            .vocabSize(64)
            .maxSeqLen(32)
            .tiedEmbeddings(true)
            .build();

    private static TokenDataset data() {
        int[] tokens = new int[400];
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 7) % 64;
        return new TokenDataset(tokens, new int[0]);
    }

    private static TrainConfig config(double lr, int steps) {
        return TrainConfig.builder()
                .steps(steps)
                .batchSize(2)
                .seqLen(8)
                .lr(lr)
                .minLr(lr / 10)
                .warmupSteps(1)
                .checkpointEvery(2)
                .seed(5)
                .build();
    }

    @Test
    void aNaNLossStopsAtItsStepAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        Path checkpoint = dir.resolve("run.safetensors");
        int[] calls = {0};
        LossFunction poisonedAtFour = (model, batch) -> {
            Variable l = LossFunction.crossEntropy().loss(model, batch);
            return ++calls[0] == 4 ? l.mul(Double.NaN) : l;
        };
        Trainer trainer =
                new Trainer(LlamaModel.random(CONFIG, 1), data(), config(1e-3, 10), poisonedAtFour, checkpoint, null);
        DivergenceException e = assertThrows(DivergenceException.class, trainer::run);
        assertEquals(4, e.step());
        assertTrue(e.getMessage().startsWith("training diverged at step 4: the loss is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint of step 2"), e.getMessage());
        assertFinite(checkpoint, "2");
    }

    @Test
    void aNonFiniteGradientNamesItsParameter() {
        LlamaModel model = LlamaModel.random(CONFIG, 1);
        Map.Entry<String, Variable> first =
                model.namedParameters().entrySet().iterator().next();
        Variable w = first.getValue();
        // sqrt(w - w) is 0 forward (the loss stays finite) but its derivative at 0 is infinite, so the gradient is NaN.
        LossFunction nanGradient = (m, batch) -> LossFunction.crossEntropy()
                .loss(m, batch)
                .add(w.sub(w).sqrt().sum().mul(0));
        Trainer trainer = new Trainer(model, data(), config(1e-3, 4), nanGradient, null, null);
        DivergenceException e = assertThrows(DivergenceException.class, trainer::run);
        assertEquals(
                "training diverged at step 1: the gradient of '" + first.getKey() + "' is not finite", e.getMessage());
    }

    @Test
    void anAbsurdLearningRateDivergesWithoutOverwritingTheCheckpoint(@TempDir Path dir) throws IOException {
        Path checkpoint = dir.resolve("run.safetensors");
        Trainer trainer = new Trainer(
                LlamaModel.random(CONFIG, 1), data(), config(1e30, 50), LossFunction.crossEntropy(), checkpoint, null);
        DivergenceException e = assertThrows(DivergenceException.class, trainer::run);
        assertTrue(e.getMessage().startsWith("training diverged at step " + e.step() + ": "), e.getMessage());
        if (Files.exists(checkpoint)) assertFinite(checkpoint, null);
    }

    private static void assertFinite(Path checkpoint, String step) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(checkpoint)) {
            if (step != null) assertEquals(step, f.metadata().get("step"));
            for (String name : f.names()) {
                Tensor t = f.load(name);
                assertTrue(t.isFinite(), name + " in the kept checkpoint is finite");
            }
        }
    }
}

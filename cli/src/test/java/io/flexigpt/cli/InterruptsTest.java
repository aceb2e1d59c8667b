package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.nn.train.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop request (what Ctrl-C sends) saves the checkpoint and reports how to resume; a rerun finishes the job. */
class InterruptsTest {
    private static final LlamaConfig CONFIG = LlamaConfig.builder()
            .dim(16)
            .layers(1)
            .heads(2)
            .hiddenDim(32)
            .vocabSize(64)
            .maxSeqLen(32)
            .tiedEmbeddings(true)
            .build();
    private static final TrainConfig TRAIN = TrainConfig.builder()
            .steps(6)
            .batchSize(2)
            .seqLen(8)
            .lr(1e-3)
            .minLr(1e-4)
            .warmupSteps(1)
            .seed(5)
            .build();

    private static TokenDataset data() {
        int[] tokens = new int[400];
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 7) % 64;
        return new TokenDataset(tokens, new int[0]);
    }

    @Test
    void stopSavesTheCheckpointAndARerunResumes(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run.safetensors");
        Trainer[] holder = new Trainer[1];
        TrainingListener stopAtTwo = new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSecond) {
                if (step == 2) holder[0].requestStop();
            }
        };
        holder[0] = new Trainer(
                LlamaModel.random(CONFIG, 1), data(), TRAIN, LossFunction.crossEntropy(), checkpoint, stopAtTwo);
        StringWriter err = new StringWriter();
        Interrupts.Stopped stopped = assertThrows(
                Interrupts.Stopped.class, () -> Interrupts.run(holder[0], new PrintWriter(err), "run it again"));
        assertEquals("stopped at step 2; run it again", stopped.getMessage());
        assertEquals("stopped at step 2; run it again", err.toString().strip());
        assertTrue(Files.exists(checkpoint));
        TrainResult resumed = Interrupts.run(
                new Trainer(LlamaModel.random(CONFIG, 1), data(), TRAIN, LossFunction.crossEntropy(), checkpoint, null),
                new PrintWriter(new StringWriter()),
                "unused");
        assertEquals(2, resumed.startStep());
        assertEquals(6, resumed.endStep());
    }
}

package io.flexigpt.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on real TinyStories text with the stories260K tokenizer. */
class TrainerTest {
    static TokenDataset data;
    static final LlamaConfig CONFIG = LlamaConfig.builder()
            .dim(64)
            .layers(4)
            .heads(4)
            .kvHeads(2)
            .hiddenDim(172)
            .vocabSize(512)
            .maxSeqLen(128)
            .tiedEmbeddings(true)
            .build();

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void load() throws IOException {
        if (data != null) return;
        Llama2cTokenizer tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        String text = Files.readString(TestData.file("text/tinystories/tinystories_train_head_2MiB.txt"));
        data = TokenDataset.encode(text.substring(0, 400_000), tok, "<|endoftext|>", 0.1);
    }

    @Test
    void heldOutLossFallsSteadily() throws IOException {
        LlamaModel model = LlamaModel.random(CONFIG, 11);
        TrainConfig cfg = TrainConfig.builder()
                .steps(300)
                .batchSize(8)
                .seqLen(64)
                .lr(3e-3)
                .minLr(3e-4)
                .warmupSteps(10)
                .weightDecay(0.01)
                .evalEvery(50)
                .evalWindows(32)
                .seed(5)
                .build();
        TrainResult r = new Trainer(model, data, cfg, LossFunction.crossEntropy(), null, null).run();
        List<double[]> h = r.heldOutLosses();
        assertEquals(6, h.size());
        for (int i = 1; i < h.size(); i++)
            assertTrue(
                    h.get(i)[1] < h.get(i - 1)[1],
                    "held-out loss at step " + h.get(i)[0] + " did not fall: " + h.get(i)[1] + " after "
                            + h.get(i - 1)[1]);
        assertTrue(
                h.get(h.size() - 1)[1] < Math.log(512) - 2,
                "final held-out loss " + h.get(h.size() - 1)[1] + " vs uniform " + Math.log(512));
    }

    @Test
    void interruptedAndResumedRunEndsWithExactlyTheWeightsOfAnUninterruptedOne(@TempDir Path dir) throws IOException {
        TrainConfig cfg = TrainConfig.builder()
                .steps(12)
                .batchSize(2)
                .seqLen(32)
                .lr(2e-3)
                .minLr(1e-4)
                .warmupSteps(3)
                .weightDecay(0.01)
                .checkpointEvery(4)
                .seed(9)
                .build();
        LlamaModel straight = LlamaModel.random(CONFIG, 3);
        new Trainer(straight, data, cfg, LossFunction.crossEntropy(), null, null).run();

        Path ckpt = dir.resolve("run.safetensors");
        LlamaModel first = LlamaModel.random(CONFIG, 3);
        Trainer interrupted = new Trainer(first, data, cfg, LossFunction.crossEntropy(), ckpt, new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tps) {
                if (step == 6) throw new StopHere();
            }
        });
        assertThrows(StopHere.class, interrupted::run);
        assertTrue(Files.exists(ckpt), "checkpoint of step 4 exists");

        LlamaModel resumedModel =
                LlamaModel.random(CONFIG, 77); // different init: everything must come from the checkpoint
        TrainResult resumed = new Trainer(resumedModel, data, cfg, LossFunction.crossEntropy(), ckpt, null).run();
        assertEquals(4, resumed.startStep());
        assertEquals(12, resumed.endStep());
        List<Variable> a = straight.parameters(), b = resumedModel.parameters();
        for (int i = 0; i < a.size(); i++)
            assertEquals(0.0, a.get(i).value().maxAbsDiff(b.get(i).value()), "parameter " + i);
    }

    @Test
    void requestStopWritesACheckpointAndResumes(@TempDir Path dir) throws IOException {
        TrainConfig cfg = TrainConfig.builder()
                .steps(8)
                .batchSize(2)
                .seqLen(32)
                .lr(2e-3)
                .minLr(1e-4)
                .warmupSteps(2)
                .seed(4)
                .build();
        Path ckpt = dir.resolve("stop.safetensors");
        LlamaModel model = LlamaModel.random(CONFIG, 5);
        Trainer[] holder = new Trainer[1];
        holder[0] = new Trainer(model, data, cfg, LossFunction.crossEntropy(), ckpt, new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tps) {
                if (step == 3) holder[0].requestStop();
            }
        });
        TrainResult r = holder[0].run();
        assertTrue(r.stoppedEarly());
        assertEquals(3, r.endStep());
        TrainResult rest =
                new Trainer(LlamaModel.random(CONFIG, 5), data, cfg, LossFunction.crossEntropy(), ckpt, null).run();
        assertEquals(3, rest.startStep());
        assertEquals(8, rest.endStep());
    }

    static final class StopHere extends RuntimeException {}
}

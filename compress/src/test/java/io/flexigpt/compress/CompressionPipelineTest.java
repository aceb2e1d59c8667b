package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.TokenDataset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One run of the pipeline: the method's compression, a recovery only where there is something to train, and its measurement. */
class CompressionPipelineTest {
    private static final int WINDOW = 8;

    private static CompressionPipeline pipeline(LlamaModel teacher) {
        int vocab = teacher.config().vocabSize();
        TokenDataset data = new TokenDataset(TinyModels.tokens(vocab, 400, 1), TinyModels.tokens(vocab, 200, 2));
        return CompressionPipeline.prepare(
                teacher,
                data,
                4,
                new HeldOutText(new CharTokenizer(), List.of("abc def ghi jkl mno pqr stu vwx yz ".repeat(3)), WINDOW));
    }

    @Test
    void aTrainableMethodIsRecoveredAndMeasuredAsItIs() throws Exception {
        LlamaModel teacher = TinyModels.random(5, 4);
        CompressionPipeline p = pipeline(teacher);
        RecoverySettings recovery = new RecoverySettings(5, 2, WINDOW, 1e-2, 0);
        List<RecoverySettings> started = new ArrayList<>();
        CompressionRun run = p.run(
                CompressionMethod.FLEXIGPT,
                new CompressionPipeline.RunSettings(0.4, RankSpec.of(2), 7, recovery, false),
                CompressionPipeline.Hooks.NONE.withRecoveryStart((settings, choice) -> {
                    assertNull(choice, "a fixed rate is not chosen");
                    started.add(settings);
                    return null;
                }));
        assertEquals(List.of(recovery), started, "told once, with the settings that run");
        assertTrue(run.recovered());
        assertEquals(5, run.recoveryLosses().length, "one loss per step");
        for (double l : run.recoveryLosses()) assertTrue(Double.isFinite(l) && l > 0, "a training loss: " + l);
        LlamaModel student = run.compression().model();
        assertEquals(ParameterAccount.of(student), run.measurement().account());
        assertEquals(
                new HeldOutText(new CharTokenizer(), List.of("abc def ghi jkl mno pqr stu vwx yz ".repeat(3)), WINDOW)
                        .perplexity(student),
                run.measurement().heldOutPerplexity(),
                0.0,
                "the measurement is the held-out perplexity of the recovered model");
        CompressionResult untrained = p.compress(CompressionMethod.FLEXIGPT, 0.4, RankSpec.of(2), 7);
        assertArrayEquals(
                untrained.plan().pruned(), run.compression().plan().pruned(), "the same plan as compressing alone");
        assertNotEquals(
                p.measure(untrained.model()).heldOutPerplexity(),
                run.measurement().heldOutPerplexity(),
                "recovery changed the model");
    }

    @Test
    void aMethodWithNothingToTrainIsNotRecoveredAndAChosenRateComesFromTheGrid() throws Exception {
        LlamaModel teacher = TinyModels.random(5, 4);
        CompressionPipeline p = pipeline(teacher);
        RecoverySettings recovery = new RecoverySettings(4, 2, WINDOW, 1e-2, 0);
        CompressionRun drop = p.run(
                CompressionMethod.DROP,
                new CompressionPipeline.RunSettings(0.4, RankSpec.of(2), 7, recovery, true),
                CompressionPipeline.Hooks.NONE.withRecoveryStart((settings, choice) -> fail("nothing to train")));
        assertFalse(drop.recovered());
        assertNull(drop.lrChoice());
        assertEquals(0, drop.recoveryLosses().length);
        CompressionRun.Measurement again = p.measure(drop.compression().model());
        assertEquals(
                again.heldOutPerplexity(),
                drop.measurement().heldOutPerplexity(),
                0.0,
                "an untrained model measures the same again");
        assertEquals(again.account(), drop.measurement().account());

        CompressionRun lora = p.run(
                CompressionMethod.DROP_LORA,
                new CompressionPipeline.RunSettings(0.4, RankSpec.of(2), 7, recovery, true),
                CompressionPipeline.Hooks.NONE);
        assertNotNull(lora.lrChoice());
        assertTrue(
                java.util.Arrays.stream(RecoverySettings.LR_GRID)
                        .anyMatch(lr -> lr == lora.recovery().lr()),
                "a rate of the grid: " + lora.recovery().lr());
        assertEquals(lora.lrChoice().lr(), lora.recovery().lr());
    }
}

package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.TokenDataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol picks the rate with the lowest validation loss, runs every seed, and resumes from its store without training again. */
class ProtocolTest {
    static final class CountingStore implements Protocol.RunStore {
        final Map<String, double[]> runs = new HashMap<>();
        int puts;

        @Override
        public double[] get(String key) {
            return runs.get(key);
        }

        @Override
        public void put(String key, double[] values) {
            puts++;
            runs.put(key, values);
        }
    }

    @Test
    void aRowHasTheBestRateOfTheGridEverySeedAndResumesFromItsStore() throws Exception {
        LlamaModel teacher = TinyModels.random(5, 4);
        CalibrationData calib = TinyModels.calibration(teacher, 4, 8, 2, 4);
        int vocab = teacher.config().vocabSize();
        TokenDataset data = new TokenDataset(TinyModels.tokens(vocab, 400, 1), TinyModels.tokens(vocab, 200, 2));
        List<String> test = List.of("abc def ghi jkl mno pqr stu vwx yz ".repeat(3));
        Protocol.Settings settings =
                new Protocol.Settings(new RecoverySettings(6, 2, 8, 1e-2, 0), new double[] {1e-3, 3e-2}, 4, 2, 8);
        Protocol.Candidate flexi = new Protocol.Candidate(
                "FlexiGPT",
                0.4,
                seed -> CompressionMethod.FLEXIGPT
                        .apply(teacher, BaselinesTest.SCORES, calib, 0.4, RankSpec.of(2), seed)
                        .model(),
                Recovery.distillation(teacher, 1.0, 1.0));
        CountingStore store = new CountingStore();
        CharTokenizer tok = new CharTokenizer();
        Protocol.Row row = Protocol.evaluate("tiny@0.4", flexi, data, test, tok, settings, store);
        assertEquals(2, row.runs().size(), "one run per seed");
        assertEquals(4, store.puts, "two trials and two seeds stored");
        int best = row.validationLoss()[0] <= row.validationLoss()[1] ? 0 : 1;
        assertEquals(settings.grid()[best], row.lr(), "the rate with the lower validation loss");
        assertNotEquals(
                row.runs().get(0).testPerplexity(),
                row.runs().get(1).testPerplexity(),
                "seeds differ in their data order");
        assertEquals(
                row.account().trainable(),
                CompressionMethod.flexiGptTrainable(
                        teacher,
                        PruningPlan.lowestScores(teacher, BaselinesTest.SCORES, 0.4, true, true),
                        RankSpec.of(2)));
        Protocol.Row again = Protocol.evaluate("tiny@0.4", flexi, data, test, tok, settings, store);
        assertEquals(4, store.puts, "a rerun trains nothing");
        assertEquals(row.mean(), again.mean(), 0.0);
        assertEquals(row.sd(), again.sd(), 0.0);
        Protocol.Row teacherRow = Protocol.evaluate(
                "tiny@0.4",
                new Protocol.Candidate("teacher", 0, seed -> teacher, null),
                data,
                test,
                tok,
                settings,
                store);
        assertTrue(
                Double.isNaN(teacherRow.lr()) && teacherRow.runs().size() == 1, "nothing to train: one run, no rate");
    }
}

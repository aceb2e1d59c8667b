package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The recovery protocol: train, validation and test texts never overlap; the learning rate is chosen on
 * validation windows only and leaves the student as it was; the settings say what they do.
 */
class RecoveryProtocolTest {
    /** {@code n} distinct documents, each a few words naming its index. */
    private static List<String> documents(int n, Rng rng) {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < n; i++)
            docs.add("document " + i + " says " + "x".repeat(1 + rng.nextInt(5)) + ".\nline two of " + i + ".");
        return docs;
    }

    @Test
    void trainValidationAndTestAreDisjointRunsOfWholeDocumentsInOrder() {
        qt(200).forAll(integers().between(3, 400), longs().all(), booleans().all())
                .checkAssert((n, seed, eot) -> {
                    List<String> docs = documents(n, new Rng(seed));
                    String text =
                            eot ? String.join("\n" + TextSplit.END_OF_TEXT + "\n", docs) : String.join("\n\n", docs);
                    TextSplit s = TextSplit.of(text);
                    assertFalse(
                            s.train().isEmpty()
                                    || s.validation().isEmpty()
                                    || s.test().isEmpty(),
                            "every part has a document, n = " + n);
                    List<String> joined = new ArrayList<>(s.train());
                    joined.addAll(s.validation());
                    joined.addAll(s.test());
                    assertEquals(
                            docs,
                            joined,
                            "the parts are consecutive runs that cover the documents in order (n = " + n + ")");
                    Set<String> seen = new HashSet<>();
                    for (String d : joined) assertTrue(seen.add(d), "no document is in two parts: " + d);
                    assertEquals(
                            Math.max(1, Math.round(n * TextSplit.TEST_FRACTION)),
                            s.test().size(),
                            "test fraction, n = " + n);
                });
    }

    @Test
    void calibrationAndRecoveryWindowsComeOnlyFromTrainingDocuments() {
        Rng rng = new Rng(5);
        List<String> docs = documents(60, rng);
        TextSplit s = TextSplit.of(String.join("\n\n", docs));
        CharTokenizer tok = new CharTokenizer();
        TokenDataset data = s.recoveryData(tok);
        assertArrayEquals(
                TokenDataset.encodeAll(s.train(), tok), data.train(), "recovery samples the training documents");
        assertArrayEquals(
                TokenDataset.encodeAll(s.validation(), tok),
                data.heldOut(),
                "the held-out part is the validation text");
        String testIds = ids(TokenDataset.encodeAll(s.test(), tok));
        CalibrationData calib = CalibrationData.sample(data.train(), 16, 8, 4, 3);
        String train = ids(data.train());
        for (int[][] batch : calib.inputs())
            for (int[] w : batch)
                assertTrue(train.contains(ids(w)), "a calibration window is a run of training tokens");
        assertFalse(
                ids(data.train()).contains(testIds) || ids(data.heldOut()).contains(testIds),
                "the test text is in no tuned part");
    }

    private static String ids(int[] tokens) {
        StringBuilder sb = new StringBuilder(",");
        for (int t : tokens) sb.append(t).append(',');
        return sb.toString();
    }

    @Test
    void tooFewDocumentsIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextSplit.of("one\n\ntwo"));
        assertTrue(e.getMessage().contains("2 document(s)"), e.getMessage());
    }

    @Test
    void learningRateSearchScoresValidationOnlyAndRestoresTheStudent() throws Exception {
        LlamaModel teacher = TinyModels.random(5, 3);
        CalibrationData calib = TinyModels.calibration(teacher, 4, 8, 2, 4);
        CompressionResult r = CompressionMethod.FLEXIGPT.apply(
                teacher, BaselinesTest.SCORES, calib, 0.4, RankSpec.of(2), CompressionMethod.DEFAULT_SEED);
        int vocab = teacher.config().vocabSize();
        int[] train = TinyModels.tokens(vocab, 400, 8),
                validationA = TinyModels.tokens(vocab, 200, 9),
                validationB = TinyModels.tokens(vocab, 200, 10);
        RecoverySettings settings = new RecoverySettings(8, 2, 8, 1e-2, 1);
        List<Tensor> before = values(r.model());
        io.flexigpt.nn.train.LossFunction distillation = Recovery.distillation(teacher, 1.0, 1.0);
        double[] grid = {1e-3, 1e-2, 1e-1};
        LearningRateSearch.Choice a = LearningRateSearch.choose(
                r.model(), new TokenDataset(train, validationA), settings, distillation, grid, 6);
        assertEquals(0.0, maxDiff(before, values(r.model())), "the student is left as it started");
        LearningRateSearch.Choice again = LearningRateSearch.choose(
                r.model(), new TokenDataset(train, validationA), settings, distillation, grid, 6);
        assertArrayEquals(a.validationLoss(), again.validationLoss(), "deterministic");
        LearningRateSearch.Choice b = LearningRateSearch.choose(
                r.model(), new TokenDataset(train, validationB), settings, distillation, grid, 6);
        for (int i = 0; i < grid.length; i++)
            assertNotEquals(
                    a.validationLoss()[i], b.validationLoss()[i], "the score is measured on the validation windows");
        int best = 0;
        for (int i = 1; i < grid.length; i++) if (a.validationLoss()[i] < a.validationLoss()[best]) best = i;
        assertEquals(grid[best], a.lr(), "the rate with the lowest validation loss wins");
        // the score of a rate is the student's cross-entropy on the validation windows after a trial at that rate
        RecoverySettings trial = settings.withSteps(6).withLr(grid[1]);
        Recovery.trainer(r.model(), new TokenDataset(train, validationA), trial, distillation, null, null)
                .run();
        assertEquals(
                a.validationLoss()[1],
                Recovery.validationLoss(r.model(), new TokenDataset(train, validationA), trial),
                0.0);
    }

    @Test
    void aRateThatDivergesScoresInfinityAndIsNeverChosen() throws Exception {
        LlamaModel teacher = TinyModels.random(5, 6);
        CalibrationData calib = TinyModels.calibration(teacher, 4, 8, 2, 6);
        CompressionResult r = CompressionMethod.FLEXIGPT.apply(
                teacher, BaselinesTest.SCORES, calib, 0.4, RankSpec.of(2), CompressionMethod.DEFAULT_SEED);
        int vocab = teacher.config().vocabSize();
        TokenDataset data = new TokenDataset(TinyModels.tokens(vocab, 400, 3), TinyModels.tokens(vocab, 200, 4));
        List<Tensor> before = values(r.model());
        LearningRateSearch.Choice c = LearningRateSearch.choose(
                r.model(),
                data,
                new RecoverySettings(6, 2, 8, 1e-2, 1),
                Recovery.distillation(teacher, 1.0, 1.0),
                new double[] {1e-2, 1e30},
                6);
        assertEquals(Double.POSITIVE_INFINITY, c.validationLoss()[1], "the run at 1e30 diverged");
        assertEquals(1e-2, c.lr());
        assertEquals(0.0, maxDiff(before, values(r.model())), "the student is restored after a diverged trial too");
    }

    private static List<Tensor> values(LlamaModel m) {
        List<Tensor> out = new ArrayList<>();
        for (Variable v : m.parameters()) out.add(v.value().copy());
        return out;
    }

    private static double maxDiff(List<Tensor> a, List<Tensor> b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) d = Math.max(d, a.get(i).maxAbsDiff(b.get(i)));
        return d;
    }

    @Test
    void settingsSpendTheBudgetInWholeStepsAndRejectNonsense() {
        RecoverySettings s = RecoverySettings.ofTokens(409_600, 8, 128, 2e-2, 42);
        assertEquals(400, s.steps());
        assertEquals(409_600, s.tokens());
        assertTrue(
                s.describe().startsWith("recovery: 400 steps x 8 x 128 = 409,600 tokens, peak lr 0.0200"),
                s.describe());
        assertEquals(
                1, RecoverySettings.ofTokens(1, 8, 128, 1e-2, 1).steps(), "a positive budget trains at least one step");
        assertEquals(0, RecoverySettings.ofTokens(0, 8, 128, 1e-2, 1).steps());
        assertTrue(RecoverySettings.ofTokens(0, 8, 128, 1e-2, 1).describe().contains("no recovery"));
        assertThrows(IllegalArgumentException.class, () -> RecoverySettings.ofTokens(-1, 8, 128, 1e-2, 1));
        assertThrows(IllegalArgumentException.class, () -> new RecoverySettings(10, 8, 128, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new RecoverySettings(10, 8, 128, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RecoverySettings(10, 0, 128, 1e-2, 1));
    }

    @Test
    void theDropLoraBudgetIsExactlyFlexiGptsTrainableCount() {
        for (long seed = 0; seed < 4; seed++) {
            LlamaModel teacher = TinyModels.random(5, seed);
            CalibrationData calib = TinyModels.calibration(teacher, 4, 8, 2, seed);
            for (RankSpec rank : List.of(RankSpec.of(1), RankSpec.of(3), RankSpec.fraction(0.5))) {
                CompressionResult flexi = CompressionMethod.FLEXIGPT.apply(
                        teacher, BaselinesTest.SCORES, calib, 0.4, rank, CompressionMethod.DEFAULT_SEED);
                assertEquals(
                        flexi.model().trainableParameterCount(),
                        CompressionMethod.flexiGptTrainable(teacher, flexi.plan(), rank),
                        "rank " + rank);
            }
        }
    }
}

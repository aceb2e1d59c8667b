package io.flexigpt.eval.tasks;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.testing.TableModel;
import io.flexigpt.eval.testing.VocabTokenizer;
import io.flexigpt.io.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZeroShotEvaluatorTest {
    // pieces: a b x y space, and the merge " b"
    private static final VocabTokenizer TOK = new VocabTokenizer(List.of("a", "b", "x", "y", " ", " b"));
    private static final int A = 2, B = 3, X = 4, Y = 5, SPACE = 6, SPACE_B = 7;

    private static TaskResult run(TableModel model, Scoring scoring, TaskItem... items) {
        return new ZeroShotEvaluator(model, ZeroShotSettings.all(2))
                .evaluate(new Task("t", scoring, List.of(items)), ProgressListener.NONE);
    }

    private static double[] unigram(double x, double y, double space) {
        double[] p = new double[TOK.vocabSize()];
        p[X] = x;
        p[Y] = y;
        p[SPACE] = space;
        return p;
    }

    @Test
    void trailingWhitespaceOfTheContextMovesToTheContinuation() {
        Request moved = Request.encode(TOK, new Choice("a ", "b", 1), true, 16);
        // "a" + " b": the merged piece " b" is the continuation
        assertArrayEquals(new int[] {VocabTokenizer.BOS, A, SPACE_B}, moved.tokens());
        assertEquals(1, moved.continuationLength());
        Request plain = Request.encode(TOK, Choice.answer("a", "b"), true, 16);
        assertArrayEquals(moved.tokens(), plain.tokens());
        Request noBos = Request.encode(TOK, Choice.answer("a", "b"), false, 16);
        assertArrayEquals(new int[] {A, SPACE_B}, noBos.tokens());
        Request emptyContext = Request.encode(TOK, new Choice("", "ab", 2), false, 16);
        assertArrayEquals(new int[] {VocabTokenizer.BOS, A, B}, emptyContext.tokens());
        assertEquals(2, emptyContext.continuationLength());
    }

    @Test
    void continuationTokensAreTheTailOfTheJointEncoding() {
        // "ab" alone ends in b, but "ab" + " bx" merges " b": the continuation is [" b", x]
        Request r = Request.encode(TOK, new Choice("ab", " bx", 2), true, 16);
        assertArrayEquals(new int[] {VocabTokenizer.BOS, A, B, SPACE_B, X}, r.tokens());
        assertEquals(2, r.continuationLength());
    }

    @Test
    void longRequestsAreLeftTruncatedToTheModelContextPlusOne() {
        Request r = Request.encode(TOK, Choice.answer("abababa", "x"), true, 4);
        // full: bos a b a b a b a space x -> the last 5 tokens
        assertArrayEquals(new int[] {A, B, A, SPACE, X}, r.tokens());
        assertEquals(3, r.scoreFrom());
        assertThrows(IllegalArgumentException.class, () -> Request.encode(TOK, Choice.answer("a", "xyxy"), true, 4));
        TableModel model = TableModel.uniform(TOK, 4);
        TaskResult result = run(
                model,
                Scoring.ACC,
                new TaskItem(List.of(Choice.answer("abababa", "x"), Choice.answer("abababa", "y")), 0));
        assertEquals(2 * Math.log(1.0 / TOK.vocabSize()), result.items().get(0).logLikelihoods()[0], 1e-12);
    }

    @Test
    void accAndAccNormDisagreeWhenTheLongerChoiceIsLikelierPerCharacter() {
        TableModel model = TableModel.unigram(TOK, 16, unigram(.3, .5, .2));
        TaskItem item = new TaskItem(List.of(Choice.answer("a", "x"), Choice.answer("a", "yyyy")), 1);
        TaskResult result = run(model, Scoring.ACC_AND_ACC_NORM, item);
        ItemScore score = result.items().get(0);
        assertEquals(Math.log(.2) + Math.log(.3), score.logLikelihoods()[0], 1e-12);
        assertEquals(Math.log(.2) + 4 * Math.log(.5), score.logLikelihoods()[1], 1e-12);
        assertArrayEquals(new int[] {1, 4}, score.normLengths());
        assertFalse(score.correct());
        assertTrue(score.correctNormalized());
        List<EvalResult> rows = result.toResults("m");
        assertEquals("acc", rows.get(0).metric());
        assertEquals(0.0, rows.get(0).value());
        assertEquals("acc_norm", rows.get(1).metric());
        assertEquals(1.0, rows.get(1).value());
    }

    @Test
    void winograndePartialScoringComparesTheSharedContinuationAfterEachContext() {
        double[][] p = new double[TOK.vocabSize()][TOK.vocabSize()];
        p[VocabTokenizer.BOS][A] = p[VocabTokenizer.BOS][B] = .5;
        p[A][SPACE] = .8;
        p[A][X] = .2;
        p[B][SPACE] = .3;
        p[B][X] = .7;
        p[SPACE][X] = .9;
        p[SPACE][Y] = .1;
        p[X][Y] = 1;
        p[Y][X] = 1;
        TableModel model = new TableModel(TOK, 16, p);
        TaskItem item = new TaskItem(List.of(Choice.answer("a", "xy"), Choice.answer("b", "xy")), 0);
        TaskResult result = run(model, Scoring.ACC, item);
        double[] ll = result.items().get(0).logLikelihoods();
        assertEquals(Math.log(.8) + Math.log(.9) + Math.log(1), ll[0], 1e-12);
        assertEquals(Math.log(.3) + Math.log(.9) + Math.log(1), ll[1], 1e-12);
        List<EvalResult> rows = result.toResults("m");
        assertEquals(1, rows.size());
        assertEquals("acc", rows.get(0).metric());
        assertEquals(1.0, rows.get(0).value());
    }

    @Test
    void greedyContinuationTasksReportGreedyAccuracyAndPerplexity() {
        double[][] p = new double[TOK.vocabSize()][TOK.vocabSize()];
        p[VocabTokenizer.BOS][A] = 1;
        p[A][SPACE] = .6;
        p[A][X] = .4;
        p[SPACE][X] = .7;
        p[SPACE][Y] = .3;
        p[X][Y] = .5;
        p[X][X] = .5;
        TableModel model = new TableModel(TOK, 16, p);
        TaskResult result = run(
                model,
                Scoring.GREEDY_CONTINUATION,
                new TaskItem(List.of(Choice.answer("a", "x")), 0),
                new TaskItem(List.of(Choice.answer("a", "y")), 0));
        List<EvalResult> rows = result.toResults("m");
        assertEquals("acc", rows.get(0).metric());
        assertEquals(0.5, rows.get(0).value());
        assertEquals("perplexity", rows.get(1).metric());
        double meanLl = (Math.log(.6) + Math.log(.7) + Math.log(.6) + Math.log(.3)) / 2;
        assertEquals(Math.exp(-meanLl), rows.get(1).value(), 1e-12);
    }

    @Test
    void requestsAreBatchedAndProgressCountsThem() {
        TableModel model = TableModel.uniform(TOK, 16);
        List<long[]> progress = new ArrayList<>();
        TaskItem item =
                new TaskItem(List.of(Choice.answer("a", "x"), Choice.answer("a", "y"), Choice.answer("b", "x")), 2);
        new ZeroShotEvaluator(model, new ZeroShotSettings(2, true, 0, 1))
                .evaluate(
                        new Task("t", Scoring.ACC, List.of(item, item)),
                        (done, total) -> progress.add(new long[] {done, total}));
        assertEquals(List.of(2, 2, 2), model.batchSizes);
        assertEquals(3, progress.size());
        assertArrayEquals(new long[] {6, 6}, progress.get(2));
    }

    @Test
    void limitEvaluatesASeededSubsetInFileOrder() {
        List<TaskItem> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(new TaskItem(List.of(Choice.answer("a", "x".repeat(i + 1))), 0));
        }
        Task task = new Task("t", Scoring.ACC, items);
        Task subset = task.subsample(10, 7);
        assertEquals(10, subset.items().size());
        assertEquals(subset.items(), task.subsample(10, 7).items());
        List<Integer> positions =
                subset.items().stream().map(task.items()::indexOf).toList();
        assertEquals(positions.stream().sorted().toList(), positions);
        assertFalse(positions.equals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
        assertFalse(subset.items().equals(task.subsample(10, 8).items()));
        assertEquals(task, task.subsample(50, 7));
        TaskResult limited = new ZeroShotEvaluator(TableModel.uniform(TOK, 64), new ZeroShotSettings(4, true, 10, 7))
                .evaluate(task, ProgressListener.NONE);
        assertEquals(10, limited.toResults("m").get(0).n());
        assertEquals(10L, limited.toResults("m").get(0).settings().get("limit"));
    }

    @Test
    void aTaskWithoutItemsIsRejected() {
        ZeroShotEvaluator evaluator = new ZeroShotEvaluator(TableModel.uniform(TOK, 16), ZeroShotSettings.all(1));
        assertThrows(
                IllegalArgumentException.class,
                () -> evaluator.evaluate(new Task("empty", Scoring.ACC, List.of()), ProgressListener.NONE));
    }

    @Test
    void standardErrorIsTheSampleStandardDeviationOverRootN() {
        assertEquals(0.25, Stats.meanStderr(new double[] {1, 0, 1, 1}), 1e-15);
        assertTrue(Double.isNaN(Stats.meanStderr(new double[] {1})));
    }

    @Test
    void stderrOfAccuracyIsRootOfPTimesOneMinusPOverNMinusOne() {
        qt(50).forAll(lists().of(integers().between(0, 1)).ofSizeBetween(2, 200))
                .checkAssert(hits -> {
                    double[] values =
                            hits.stream().mapToDouble(Integer::doubleValue).toArray();
                    double p = Stats.mean(values);
                    assertEquals(Math.sqrt(p * (1 - p) / (values.length - 1)), Stats.meanStderr(values), 1e-12);
                });
    }
}

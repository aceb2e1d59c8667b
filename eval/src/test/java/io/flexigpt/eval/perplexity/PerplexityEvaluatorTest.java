package io.flexigpt.eval.perplexity;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.testing.TableModel;
import io.flexigpt.eval.testing.VocabTokenizer;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class PerplexityEvaluatorTest {
    private static final VocabTokenizer AB = VocabTokenizer.chars("ab ");
    // rows: previous token (bos, eos, a, b, space); columns: next token in the same order
    private static final double[][] BIGRAM = {
        {0, 0, .5, .25, .25},
        {0, .25, .25, .25, .25},
        {0, .1, .1, .6, .2},
        {0, .1, .4, .3, .2},
        {0, .1, .5, .4, 0},
    };
    /** "ab ba": a|bos, b|a, space|b, b|space, a|b. */
    private static final double FULL_NLL = -(Math.log(.5) + Math.log(.6) + Math.log(.2) + Math.log(.4) + Math.log(.4));

    private static PerplexityResult run(PerplexitySettings settings, String... documents) {
        return new PerplexityEvaluator(new TableModel(AB, 8, BIGRAM), settings)
                .evaluate(List.of(documents), ProgressListener.NONE);
    }

    @Test
    void bigramPerplexityOverEveryTokenMatchesTheHandComputedValue() {
        for (PerplexitySettings settings : List.of(
                PerplexitySettings.rolling(2, 1), PerplexitySettings.rolling(8, 3),
                PerplexitySettings.sliding(3, 1, 2), PerplexitySettings.sliding(8, 4, 1))) {
            PerplexityResult r = run(settings, "ab ba");
            assertEquals(5, r.scoredTokens(), settings.toString());
            assertEquals(FULL_NLL, r.negLogLikelihood(), 1e-12);
            assertEquals(Math.exp(FULL_NLL / 5), r.tokenPerplexity(), 1e-12);
            assertEquals(Math.exp(FULL_NLL / 2), r.wordPerplexity(), 1e-12);
            assertEquals(Math.exp(FULL_NLL / 5), r.bytePerplexity(), 1e-12);
            assertEquals(FULL_NLL / 5 / Math.log(2), r.bitsPerByte(), 1e-12);
        }
    }

    @Test
    void nonOverlappingWindowsSkipEachWindowsFirstTokenAndDropTheTail() {
        // tokens: bos a b space b a; windows of 2 score a|bos, space|b, a|b
        PerplexityResult two = run(PerplexitySettings.nonOverlapping(2, 2), "ab ba");
        assertEquals(3, two.scoredTokens());
        assertEquals(Math.exp(-(Math.log(.5) + Math.log(.2) + Math.log(.4)) / 3), two.tokenPerplexity(), 1e-12);
        // windows of 3: [bos a b] scores a, b; [space b a] scores b|space, a|b
        PerplexityResult three = run(PerplexitySettings.nonOverlapping(3, 1), "ab ba");
        assertEquals(
                Math.exp(-(Math.log(.5) + Math.log(.6) + Math.log(.4) + Math.log(.4)) / 4),
                three.tokenPerplexity(),
                1e-12);
        // windows of 4 over 6 tokens: the last 2 tokens are dropped
        assertEquals(3, run(PerplexitySettings.nonOverlapping(4, 1), "ab ba").scoredTokens());
        assertFalse(two.coversEveryToken());
        assertThrows(IllegalStateException.class, two::wordPerplexity);
        assertEquals(
                List.of(PerplexityResult.TOKEN_PERPLEXITY),
                two.toResults("m", "t").stream().map(EvalResult::metric).toList());
    }

    @Test
    void uniformModelHasPerplexityEqualToTheVocabularySize() {
        qt(60).forAll(
                        texts(),
                        integers().between(2, 9),
                        integers().between(1, 9),
                        integers().between(1, 4))
                .checkAssert((text, context, stride, batch) -> {
                    TableModel model = TableModel.uniform(AB, 9);
                    List<PerplexitySettings> all = new ArrayList<>(List.of(
                            PerplexitySettings.rolling(context, batch),
                            PerplexitySettings.sliding(context, Math.min(stride, context), batch)));
                    if (text.length() + 1 >= context) {
                        all.add(PerplexitySettings.nonOverlapping(context, batch));
                    }
                    for (PerplexitySettings settings : all) {
                        PerplexityResult r =
                                new PerplexityEvaluator(model, settings).evaluate(List.of(text), ProgressListener.NONE);
                        assertEquals(AB.vocabSize(), r.tokenPerplexity(), 1e-9, settings.toString());
                    }
                });
    }

    static Gen<String> texts() {
        return lists().of(arbitrary().pick("a", "b", " ")).ofSizeBetween(1, 40).map(chars -> String.join("", chars));
    }

    @Test
    void slidingAndRollingWindowsScoreEveryTokenExactlyOnce() {
        qt(80).forAll(
                        integers().between(1, 60),
                        integers().between(2, 12),
                        integers().between(1, 11),
                        integers().between(1, 5))
                .checkAssert((length, context, stride, batch) -> {
                    String alphabet = IntStream.range(0, length)
                            .mapToObj(i -> Character.toString(0x4E00 + i))
                            .collect(Collectors.joining());
                    VocabTokenizer distinct = VocabTokenizer.chars(alphabet);
                    List<Integer> expected =
                            IntStream.range(2, length + 2).boxed().toList();
                    List<PerplexitySettings> modes =
                            new ArrayList<>(List.of(PerplexitySettings.rolling(context, batch)));
                    if (stride < context) {
                        modes.add(PerplexitySettings.sliding(context, stride, batch));
                    }
                    for (PerplexitySettings settings : modes) {
                        TableModel model = TableModel.uniform(distinct, 12);
                        PerplexityResult r = new PerplexityEvaluator(model, settings)
                                .evaluate(List.of(alphabet), ProgressListener.NONE);
                        assertEquals(
                                expected, model.scoredTokens.stream().sorted().toList(), settings.toString());
                        assertEquals((long) length, r.scoredTokens());
                        assertTrue(r.coversEveryToken());
                        assertTrue(model.batchSizes.stream().allMatch(b -> b <= batch));
                    }
                });
    }

    @Test
    void nonOverlappingWindowsScoreAllButTheFirstTokenOfEachFullWindow() {
        qt(40).forAll(integers().between(1, 60), integers().between(2, 12)).checkAssert((length, context) -> {
            String text = "ab".repeat(length).substring(0, length);
            TableModel model = TableModel.uniform(AB, 12);
            int windows = (length + 1) / context;
            PerplexitySettings settings = PerplexitySettings.nonOverlapping(context, 3);
            if (windows == 0) {
                assertThrows(IllegalArgumentException.class, () -> new PerplexityEvaluator(model, settings)
                        .evaluate(List.of(text), ProgressListener.NONE));
            } else {
                PerplexityResult r =
                        new PerplexityEvaluator(model, settings).evaluate(List.of(text), ProgressListener.NONE);
                assertEquals((long) windows * (context - 1), r.scoredTokens());
            }
        });
    }

    @Test
    void documentsAreWindowedSeparatelyAndCountsAddUp() {
        PerplexityResult r = run(PerplexitySettings.rolling(4, 2), "ab ba", "ab ba");
        assertEquals(2, r.documents());
        assertEquals(10, r.tokens());
        assertEquals(2 * FULL_NLL, r.negLogLikelihood(), 1e-12);
        assertEquals(4, r.words());
        assertEquals(10, r.bytes());
    }

    @Test
    void progressIsReportedPerBatchUpToTheTotal() {
        List<long[]> calls = new ArrayList<>();
        new PerplexityEvaluator(TableModel.uniform(AB, 8), PerplexitySettings.rolling(2, 2))
                .evaluate(List.of("ab ba ab"), (done, total) -> calls.add(new long[] {done, total}));
        // 8 tokens in windows of 2 predictions: 4 windows, 2 batches
        assertEquals(2, calls.size());
        assertEquals(4, calls.get(0)[0]);
        assertEquals(8, calls.get(1)[0]);
        assertEquals(8, calls.get(1)[1]);
    }

    @Test
    void resultsNameEachMetricAndTheSettings() {
        List<EvalResult> rows =
                run(PerplexitySettings.sliding(4, 2, 1), "ab ba").toResults("tiny", "text");
        assertEquals(
                List.of("token_perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"),
                rows.stream().map(EvalResult::metric).toList());
        EvalResult word = rows.get(1);
        assertEquals(2, word.n());
        assertEquals("sliding", word.settings().get("window_mode"));
        assertEquals(4L, word.settings().get("context_length"));
        assertEquals(2L, word.settings().get("stride"));
        assertEquals(5L, word.settings().get("scored_tokens"));
        assertFalse(word.hasStderr());
    }

    @Test
    void wordsAndBytesAreCountedAsTheHarnessCountsThem() {
        assertEquals(5, TextCounts.words(" a  b\t\nc "));
        assertEquals(2, TextCounts.words("a\u00a0b"));
        assertEquals(1, TextCounts.words("word"));
        assertEquals(5, TextCounts.bytes("é€"));
    }

    @Test
    void settingsRejectImpossibleWindows() {
        assertThrows(IllegalArgumentException.class, () -> PerplexitySettings.sliding(4, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySettings(4, 2, WindowMode.ROLLING, 1));
        assertThrows(IllegalArgumentException.class, () -> PerplexitySettings.rolling(1, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PerplexityEvaluator(TableModel.uniform(AB, 8), PerplexitySettings.rolling(9, 1)));
    }

    @Test
    void aFileThatIsNotUtf8IsAFormatErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.write(file, new byte[] {'a', (byte) 0xC3, '(', 'b'});
        PerplexityEvaluator evaluator =
                new PerplexityEvaluator(TableModel.uniform(AB, 8), PerplexitySettings.rolling(4, 1));
        FormatException e =
                assertThrows(FormatException.class, () -> evaluator.evaluateFile(file, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("bad.txt"), e.getMessage());
        Files.writeString(file, "ab ba");
        assertEquals(
                Math.exp(FULL_NLL / 5),
                new PerplexityEvaluator(new TableModel(AB, 8, BIGRAM), PerplexitySettings.rolling(4, 1))
                        .evaluateFile(file, ProgressListener.NONE)
                        .tokenPerplexity(),
                1e-12);
    }
}

package io.flexigpt.eval.tasks;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.eval.report.VerticalTable;
import io.flexigpt.eval.testing.TableModel;
import io.flexigpt.io.Json;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation as lm-evaluation-harness users expect it, on stories260K and the real task files: BOS on or
 * off (0.4.9.2+ vs 0.4.0–0.4.9.1), {@code --limit} as the first N items, the seeded sample under its own
 * name, items too long for the context skipped with a count, lm-eval-shaped JSON and sample logs, and a
 * bootstrap standard error for LAMBADA's perplexity.
 */
class LmEvalCompatibilityTest {
    @TempDir
    Path tmp;

    static LlamaScoringModel model;
    static Llama2cTokenizer tok;
    static Path tasks;

    @BeforeAll
    static void load() throws IOException {
        tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        model = new LlamaScoringModel(
                LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin"))), tok);
        tasks = TestData.file("tasks");
    }

    @Test
    void bosNeverAndAlwaysDifferOnWinogrande() throws IOException {
        Task winogrande = Tasks.load("winogrande", tasks);
        TaskResult always = new ZeroShotEvaluator(model, new ZeroShotSettings(16, true, 20, 0, 1))
                .evaluate(winogrande, ProgressListener.NONE);
        TaskResult never = new ZeroShotEvaluator(model, new ZeroShotSettings(16, false, 20, 0, 1))
                .evaluate(winogrande, ProgressListener.NONE);
        assertEquals(20, always.items().size());
        assertEquals(40, always.requestTokens().size(), "two choices per item");
        for (int r = 0; r < 40; r++) {
            int[] with = always.requestTokens().get(r),
                    without = never.requestTokens().get(r);
            assertEquals(tok.bosId(), with[0], "always: request " + r + " starts with BOS");
            assertNotEquals(tok.bosId(), without[0], "never: request " + r + " starts with text");
            assertArrayEquals(
                    without, java.util.Arrays.copyOfRange(with, 1, with.length), "the same text tokens after BOS");
        }
        int differ = 0;
        for (int i = 0; i < 20; i++) {
            double[] a = always.items().get(i).logLikelihoods(),
                    n = never.items().get(i).logLikelihoods();
            for (int c = 0; c < a.length; c++) if (a[c] != n[c]) differ++;
            assertEquals(always.items().get(i).gold(), never.items().get(i).gold());
        }
        assertEquals(40, differ, "every continuation is scored in a different context");
    }

    @Test
    void limitTakesTheFirstItemsAndSampleASeededSubset() throws IOException {
        Task arc = Tasks.load("arc_easy", tasks);
        TableModel uniform = TableModel.uniform(tok, 512);
        TaskResult first = new ZeroShotEvaluator(uniform, new ZeroShotSettings(16, true, 7, 0, 1))
                .evaluate(arc, ProgressListener.NONE);
        assertArrayEquals(IntStream.range(0, 7).toArray(), first.itemIndices());
        TaskResult sampled = new ZeroShotEvaluator(uniform, new ZeroShotSettings(16, true, 0, 7, 99))
                .evaluate(arc, ProgressListener.NONE);
        assertArrayEquals(arc.subsampleIndices(7, 99), sampled.itemIndices());
        assertNotEquals(
                List.of(0, 1, 2, 3, 4, 5, 6),
                IntStream.of(sampled.itemIndices()).boxed().toList());
        TaskResult both = new ZeroShotEvaluator(uniform, new ZeroShotSettings(16, true, 3, 7, 99))
                .evaluate(arc, ProgressListener.NONE);
        assertArrayEquals(java.util.Arrays.copyOf(arc.subsampleIndices(7, 99), 3), both.itemIndices());
        assertEquals("arc_easy", Tasks.canonicalName("arc-easy"));
        assertEquals("lambada_openai", Tasks.canonicalName("lambada"));
        assertThrows(IllegalArgumentException.class, () -> Tasks.canonicalName("mmlu"));
    }

    @Test
    void piqaItemsTooLongForTheContextAreSkippedAndCounted() throws IOException {
        Task piqa = Tasks.load("piqa", tasks);
        TaskResult r = new ZeroShotEvaluator(TableModel.uniform(tok, 512), new ZeroShotSettings(64, true, 0, 0, 1))
                .evaluate(piqa, ProgressListener.NONE);
        assertEquals(2, r.skipped(), "two PIQA solutions exceed 512 tokens with tok512");
        assertEquals(piqa.items().size() - 2, r.items().size());
        assertEquals(2L, r.toResults("m").get(0).settings().get("skipped_too_long"));
    }

    @Test
    void outputFollowsLmEvalsShape() throws IOException {
        TableModel uniform = TableModel.uniform(tok, 512);
        ZeroShotEvaluator ev = new ZeroShotEvaluator(uniform, new ZeroShotSettings(16, true, 10, 0, 1));
        TaskResult arc = ev.evaluate(Tasks.load("arc_easy", tasks), ProgressListener.NONE);
        TaskResult lambada = ev.evaluate(Tasks.load("lambada_openai", tasks), ProgressListener.NONE);
        LmEvalOutput.write(
                tmp, List.of(arc, lambada), "stories260K", Map.of("model", "stories260K", "limit", 10L), true);
        Map<String, Object> doc =
                Json.object(Json.parse(Files.readString(tmp.resolve("results.json")), "results"), "doc", "results");
        for (String key :
                List.of("results", "configs", "versions", "n-samples", "n-shot", "higher_is_better", "config"))
            assertTrue(doc.containsKey(key), key);
        Map<String, Object> arcMetrics = Json.getObject(Json.getObject(doc, "results", "r"), "arc_easy", "r");
        for (String key : List.of("alias", "acc,none", "acc_stderr,none", "acc_norm,none", "acc_norm_stderr,none"))
            assertTrue(arcMetrics.containsKey(key), key);
        assertEquals(arc.toResults("m").get(0).value(), ((Number) arcMetrics.get("acc,none")).doubleValue(), 1e-12);
        Map<String, Object> lambadaMetrics = Json.getObject(Json.getObject(doc, "results", "r"), "lambada_openai", "r");
        double pplStderr = ((Number) lambadaMetrics.get("perplexity_stderr,none")).doubleValue();
        double ppl = ((Number) lambadaMetrics.get("perplexity,none")).doubleValue();
        assertTrue(
                pplStderr > 0 && Double.isFinite(pplStderr) && ppl > 1,
                "bootstrap stderr " + pplStderr + " of perplexity " + ppl);
        Map<String, Object> n = Json.getObject(Json.getObject(doc, "n-samples", "r"), "arc_easy", "r");
        assertEquals(10L, ((Number) n.get("effective")).longValue());
        assertEquals((long) Tasks.load("arc_easy", tasks).items().size(), ((Number) n.get("original")).longValue());

        List<String> lines = Files.readAllLines(tmp.resolve("samples_arc_easy.jsonl"));
        assertEquals(10, lines.size());
        Map<String, Object> first = Json.object(Json.parse(lines.get(0), "sample"), "line", "sample");
        for (String key : List.of("doc_id", "target", "arguments", "resps", "pred", "acc", "acc_norm", "input_tokens"))
            assertTrue(first.containsKey(key), key);
        assertEquals(0L, ((Number) first.get("doc_id")).longValue());
        assertEquals(
                (double) arc.items().get(0).logLikelihoods()[0],
                ((Number) ((List<?>) ((List<?>) first.get("resps")).get(0)).get(0)).doubleValue(),
                1e-9);
        assertTrue(Files.exists(tmp.resolve("samples_lambada_openai.jsonl")));

        String table = VerticalTable.table(arc.toResults("m"));
        assertTrue(table.startsWith("| task | metric | value |"), table);
        assertTrue(table.contains("| arc_easy | acc |") && table.contains("|  | acc_norm |"), table);
        assertNotNull(uniform);
    }

    /** For many items the bootstrap agrees with the delta method, {@code ppl · sd(ll) / sqrt(n)}; constant items have none. */
    @Test
    void bootstrapStderrOfPerplexityMatchesTheDeltaMethod() {
        java.util.Random random = new java.util.Random(5);
        double[] ll = new double[2000];
        for (int i = 0; i < ll.length; i++) ll[i] = -2 + 0.5 * random.nextGaussian();
        double ppl = Math.exp(-Stats.mean(ll));
        double delta = ppl * Stats.meanStderr(ll);
        double bootstrap = Stats.bootstrapPerplexityStderr(ll, 2000, 1);
        assertEquals(delta, bootstrap, 0.1 * delta);
        assertEquals(0.0, Stats.bootstrapPerplexityStderr(new double[] {-1, -1, -1}, 100, 1), 1e-12);
        assertTrue(Double.isNaN(Stats.bootstrapPerplexityStderr(new double[] {-1}, 100, 1)));
    }
}

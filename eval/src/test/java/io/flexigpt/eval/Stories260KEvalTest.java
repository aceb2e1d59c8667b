package io.flexigpt.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.eval.perplexity.Document;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexityResult;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.perplexity.WikiText;
import io.flexigpt.eval.tasks.Task;
import io.flexigpt.eval.tasks.TaskResult;
import io.flexigpt.eval.tasks.Tasks;
import io.flexigpt.eval.tasks.ZeroShotEvaluator;
import io.flexigpt.eval.tasks.ZeroShotSettings;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.tensor.backend.CpuBackend;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End-to-end evaluation of the real stories260K model: perplexity in both window modes and every task. */
class Stories260KEvalTest {
    static LlamaModel llama;
    static LlamaScoringModel model;

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void load() throws IOException {
        if (model != null) return;
        llama = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
        model = new LlamaScoringModel(llama, Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin")));
    }

    @Test
    void scoringOnADeviceGivesTheScoresOfTheTensorPath() throws IOException {
        LlamaScoringModel device =
                new LlamaScoringModel(new DeviceModel(llama, new CpuBackend()), model.tokenizer(), 64);
        List<int[]> sequences = new ArrayList<>();
        for (String p : heldOutParagraphs(5)) {
            int[] ids = model.tokenizer().encode(p, true, false);
            sequences.add(java.util.Arrays.copyOf(ids, Math.min(ids.length, 65)));
        }
        int[] from = {1, 3, 1, 10, 2};
        List<TokenScores> expected = model.score(sequences, from), got = device.score(sequences, from);
        for (int i = 0; i < sequences.size(); i++) {
            assertArrayEquals(expected.get(i).logProbs(), got.get(i).logProbs(), 1e-3, "sequence " + i);
            assertArrayEquals(expected.get(i).greedy(), got.get(i).greedy(), "sequence " + i);
        }
    }

    static List<String> heldOutParagraphs(int count) throws IOException {
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        List<String> docs = new ArrayList<>();
        for (String p : text.split("\n\n")) {
            if (!p.isBlank()) docs.add(p.strip());
            if (docs.size() == count) break;
        }
        return docs;
    }

    @Test
    void perplexityOnHeldOutTinyStoriesInBothWindowModes() throws IOException {
        List<String> docs = List.of(String.join("\n\n", heldOutParagraphs(60)));
        PerplexityResult disjoint = new PerplexityEvaluator(model, PerplexitySettings.nonOverlapping(256, 8))
                .evaluate(docs, ProgressListener.NONE);
        PerplexityResult sliding = new PerplexityEvaluator(model, PerplexitySettings.sliding(256, 128, 8))
                .evaluate(docs, ProgressListener.NONE);
        assertTrue(
                disjoint.tokenPerplexity() > 1 && disjoint.tokenPerplexity() < 20,
                "a TinyStories model on TinyStories text: " + disjoint.tokenPerplexity());
        assertTrue(
                sliding.tokenPerplexity() <= disjoint.tokenPerplexity() * 1.001,
                "more context cannot hurt much: " + sliding.tokenPerplexity());
    }

    @Test
    void rollingPerplexityOnRealWikiTextArticlesAsTheHarnessScoresThem() throws IOException {
        List<String> articles = WikiText.articles(Files.readString(TestData.file("text/wikitext-2-raw/test.txt")));
        List<Document> documents = new ArrayList<>();
        long words = 0;
        long bytes = 0;
        long tokens = 0;
        for (int index : new int[] {14, 55, 57}) { // New York State Route 31B, Hannah Dodd, Tatwine
            String article = articles.get(index);
            String detokenized = WikiText.detokenize(article);
            documents.add(new Document(detokenized, article));
            words += article.split("\\s+", -1).length;
            bytes += article.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            tokens += model.tokenizer().encode(detokenized, false, false).length;
        }
        PerplexityResult r = new PerplexityEvaluator(model, PerplexitySettings.rolling(256, 8))
                .evaluateDocuments(documents, ProgressListener.NONE);
        assertEquals(463 + 911 + 485, words, "the pages' word counts in Python");
        assertEquals(2389 + 4757 + 2560, bytes, "the pages' UTF-8 lengths in Python");
        assertEquals(words, r.words());
        assertEquals(bytes, r.bytes());
        assertEquals(tokens, r.tokens());
        assertEquals(tokens, r.scoredTokens());
        for (double v : new double[] {r.wordPerplexity(), r.bytePerplexity(), r.bitsPerByte(), r.tokenPerplexity()}) {
            assertTrue(Double.isFinite(v) && v > 0, r.toString());
        }
        assertTrue(
                r.tokenPerplexity() > 20, "a TinyStories model is far from home on Wikipedia: " + r.tokenPerplexity());
    }

    @Test
    void everyTaskRunsEndToEnd() throws IOException {
        ZeroShotEvaluator evaluator =
                new ZeroShotEvaluator(model, new ZeroShotSettings(16, true, 40, ZeroShotSettings.DEFAULT_SEED));
        for (String name : Tasks.NAMES) {
            Task task = Tasks.load(name, TestData.root().resolve("tasks"));
            TaskResult result = evaluator.evaluate(task, ProgressListener.NONE);
            List<EvalResult> rows = result.toResults("stories260K");
            assertFalse(rows.isEmpty(), name);
            for (EvalResult r : rows) assertTrue(Double.isFinite(r.value()), name + " " + r);
        }
    }
}

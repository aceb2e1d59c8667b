package io.flexigpt.eval.perplexity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexigpt.eval.testing.TableModel;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Perplexity over a real corpus and tokenizer, with a model whose answer is known: uniform over 512 tokens. */
class RealTextPerplexityTest {

    @Test
    void uniformModelOnWikitextScoresEveryTokenOnceAndCountsTheFileBytes() throws Exception {
        Tokenizer tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        Path text = TestData.file("text/wikitext-2-raw/test.txt");
        TableModel model = TableModel.uniform(tokenizer, 512);
        for (PerplexitySettings settings :
                List.of(PerplexitySettings.rolling(512, 64), PerplexitySettings.sliding(512, 384, 64))) {
            PerplexityResult r = new PerplexityEvaluator(model, settings).evaluateFile(text, ProgressListener.NONE);
            assertEquals(tokenizer.encode(Files.readString(text), false, false).length, r.tokens());
            assertEquals(r.tokens(), r.scoredTokens(), settings.toString());
            assertEquals(1_290_590, r.bytes());
            assertEquals(512, r.tokenPerplexity(), 1e-9);
            assertEquals(9.0 * r.tokens() / r.bytes(), r.bitsPerByte(), 1e-9);
            assertEquals(Math.pow(512, (double) r.tokens() / r.words()), r.wordPerplexity(), 1e-6 * r.wordPerplexity());
        }
    }

    @Test
    void wikitextFormatScoresDetokenizedArticlesAndCountsTheOriginalOnes() throws Exception {
        Tokenizer tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        Path text = TestData.file("text/wikitext-2-raw/test.txt");
        PerplexityResult r = new PerplexityEvaluator(
                        TableModel.uniform(tokenizer, 512), PerplexitySettings.rolling(512, 64))
                .evaluateFile(text, TextFormat.WIKITEXT, ProgressListener.NONE);
        long tokens = 0;
        for (String article : WikiText.articles(Files.readString(text))) {
            tokens += tokenizer.encode(WikiText.detokenize(article), false, false).length;
        }
        assertEquals(62, r.documents());
        assertEquals(tokens, r.tokens());
        assertEquals(r.tokens(), r.scoredTokens());
        // len(re.split(r"\s+", page)) and len(page.encode()) summed over the 62 pages, computed in Python
        assertEquals(241_335, r.words());
        assertEquals(1_290_527, r.bytes(), "the file less its blank first line and the newline before each article");
        assertEquals(512, r.tokenPerplexity(), 1e-9);
    }
}

package io.flexigpt.nn.train;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training token stream: documents split at separators, the held-out share taken from the end,
 * random windows inside the stream with targets shifted by one, deterministic held-out windows, and an
 * on-disk cache that is reused when intact and rebuilt when damaged.
 */
class TokenDatasetTest {
    static final int BOS = 1;

    /** One token per character (id = 3 + char % 50), BOS = 1, EOS = 2; counts its calls. */
    static final class CharTokenizer implements Tokenizer {
        int calls;

        @Override
        public int[] encode(String text, boolean addBos, boolean addEos) {
            calls++;
            IntStream chars = text.chars().map(c -> 3 + c % 50);
            if (addBos) chars = IntStream.concat(IntStream.of(BOS), chars);
            if (addEos) chars = IntStream.concat(chars, IntStream.of(2));
            return chars.toArray();
        }

        @Override
        public String decode(int[] ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int vocabSize() {
            return 53;
        }

        @Override
        public int bosId() {
            return BOS;
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public String piece(int id) {
            return Integer.toString(id);
        }

        @Override
        public byte[] tokenBytes(int previousId, int id) {
            return piece(id).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void documentsAreSplitAtSeparatorLinesOrBlankLines() {
        assertEquals(List.of("a\nb", "c", "d"), TokenDataset.documents("\n\na\nb\n\n\nc\n  \nd\n", null));
        assertEquals(
                List.of("one\n\ntwo", "three"),
                TokenDataset.documents("<|end|>\none\n\ntwo\n  <|end|> \nthree\n<|end|>\n<|end|>", "<|end|>"));
        assertEquals(List.of(), TokenDataset.documents("\n \n", null));
    }

    @Test
    void theLastDocumentsAreHeldOutInOrder() {
        qt(60).forAll(integers().between(1, 30), integers().between(0, 9), longs().all())
                .checkAssert((docs, tenths, seed) -> {
                    double fraction = tenths / 10.0;
                    int held = (int) Math.round(docs * fraction);
                    if (fraction > 0 && held == 0 && docs > 1) held = 1;
                    Rng rng = new Rng(seed);
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < docs; i++) texts.add("doc" + i + "x".repeat(rng.nextInt(5)));
                    String text = String.join("\n\n", texts);
                    if (held == docs) {
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> TokenDataset.encode(text, new CharTokenizer(), null, fraction),
                                "no training documents left");
                        return;
                    }
                    TokenDataset d = TokenDataset.encode(text, new CharTokenizer(), null, fraction);

                    assertEquals(held, count(d.heldOut(), BOS), "held-out documents");
                    assertEquals(docs - held, count(d.train(), BOS), "training documents");
                    CharTokenizer tok = new CharTokenizer();
                    List<Integer> all = new ArrayList<>();
                    for (String t : texts) for (int id : tok.encode(t, true, false)) all.add(id);
                    List<Integer> joined = new ArrayList<>();
                    for (int id : d.train()) joined.add(id);
                    for (int id : d.heldOut()) joined.add(id);
                    assertEquals(all, joined);
                });
    }

    @Test
    void badHeldOutFractionsAndSplitsWithoutTrainingDocumentsAreRejected() {
        for (double f : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            assertMessage(
                    "heldOutFraction must be in [0, 1), got " + f,
                    () -> TokenDataset.encode("a\n\nb", new CharTokenizer(), null, f));
        }
        assertMessage(
                "heldOutFraction 0.5 of 1 document(s) holds out all of them: none is left for training",
                () -> TokenDataset.encode("only one story", new CharTokenizer(), null, 0.5));
        assertMessage(
                "the text holds no documents (only blank lines or separators)",
                () -> TokenDataset.encode("\n \n", new CharTokenizer(), null, 0));
        assertEquals(
                1,
                count(
                        TokenDataset.encode("only one story", new CharTokenizer(), null, 0.4)
                                .train(),
                        BOS));
    }

    @Test
    void emptyBatchesAndWindowsAreRejected() {
        TokenDataset d = new TokenDataset(new int[20], new int[20]);
        assertMessage("batch must be >= 1 window, got 0", () -> d.sample(new Rng(1), 0, 4));
        assertMessage("window length must be >= 1 token, got 0", () -> d.sample(new Rng(1), 2, 0));
        assertMessage("window length must be >= 1 token, got 0", () -> d.heldOutBatches(2, 0, 5));
        assertMessage("batch must be >= 1 window, got 0", () -> d.heldOutBatches(0, 4, 5));
        assertMessage("maxWindows must be >= 0, got -1", () -> d.heldOutBatches(2, 4, -1));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void sampledWindowsLieInsideTheStreamWithShiftedTargets() {
        qt(60).forAll(
                        integers().between(2, 60),
                        integers().between(1, 20),
                        integers().between(1, 4),
                        longs().all())
                .assuming((tokens, length, batch, seed) -> tokens >= length + 1)
                .checkAssert((tokens, length, batch, seed) -> {
                    TokenDataset d = new TokenDataset(IntStream.range(0, tokens).toArray(), new int[0]);
                    TokenDataset.Batch b = d.sample(new Rng(seed), batch, length);
                    assertEquals(batch, b.inputs().length);
                    assertEquals(batch * length, b.tokens());
                    for (int r = 0; r < batch; r++) {
                        int start = b.inputs()[r][0];
                        assertTrue(
                                start + length < tokens,
                                "window at " + start + " of " + length + " runs past " + tokens + " tokens");
                        for (int j = 0; j < length; j++) {
                            assertEquals(start + j, b.inputs()[r][j]);
                            assertEquals(start + j + 1, b.targets()[r][j]);
                            assertEquals(start + j + 1, b.flatTargets()[r * length + j]);
                        }
                    }
                    TokenDataset.Batch again = d.sample(new Rng(seed), batch, length);
                    assertArrayEquals(b.inputs(), again.inputs());
                    assertArrayEquals(b.targets(), again.targets());
                });
    }

    @Test
    void everyWindowStartIsReachableAndShortStreamsAreRejected() {
        TokenDataset d = new TokenDataset(IntStream.range(0, 9).toArray(), new int[0]);
        boolean[] seen = new boolean[9];
        Rng rng = new Rng(4);
        for (int i = 0; i < 200; i++) seen[d.sample(rng, 1, 6).inputs()[0][0]] = true;
        assertArrayEquals(new boolean[] {true, true, true, false, false, false, false, false, false}, seen);
        assertEquals(
                0,
                new TokenDataset(new int[] {0, 1, 2}, new int[0])
                        .sample(rng, 2, 2)
                        .inputs()[1][0]);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new TokenDataset(new int[3], new int[0])
                        .sample(new Rng(1), 1, 3));
        assertTrue(e.getMessage().contains("dataset of 3 tokens is shorter than one window of 4"), e.getMessage());
    }

    @Test
    void heldOutWindowsAreConsecutiveAndCapped() {
        qt(60).forAll(
                        integers().between(0, 50),
                        integers().between(1, 8),
                        integers().between(1, 3),
                        integers().between(0, 10))
                .checkAssert((tokens, length, batch, maxWindows) -> {
                    TokenDataset d = new TokenDataset(
                            new int[0], IntStream.range(0, tokens).toArray());
                    List<TokenDataset.Batch> batches = d.heldOutBatches(batch, length, maxWindows);
                    int windows = Math.max(0, Math.min(maxWindows, (tokens - 1) / length));
                    int w = 0;
                    for (TokenDataset.Batch b : batches) {
                        assertTrue(b.inputs().length >= 1 && b.inputs().length <= batch);
                        for (int r = 0; r < b.inputs().length; r++, w++) {
                            for (int j = 0; j < length; j++) {
                                assertEquals(w * length + j, b.inputs()[r][j]);
                                assertEquals(w * length + j + 1, b.targets()[r][j]);
                            }
                        }
                    }
                    assertEquals(windows, w);
                    assertEquals((windows + batch - 1) / batch, batches.size());
                });
    }

    @Test
    void theCacheIsReusedWhenIntactAndRebuiltWhenDamaged(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "first story\n<sep>\nsecond one\n<sep>\nthird\n<sep>\nfourth tale");
        Path tokenizerFile = Files.writeString(dir.resolve("tokenizer.json"), "{\"chars\": 1}");
        Path cache = dir.resolve("cache");
        CharTokenizer tok = new CharTokenizer();
        TokenDataset first = TokenDataset.load(text, tok, tokenizerFile, "<sep>", 0.25, cache);
        assertEquals(4, tok.calls);
        TokenDataset expected = TokenDataset.encode(Files.readString(text), new CharTokenizer(), "<sep>", 0.25);
        assertArrayEquals(expected.train(), first.train());
        assertArrayEquals(expected.heldOut(), first.heldOut());

        TokenDataset cached = TokenDataset.load(text, tok, tokenizerFile, "<sep>", 0.25, cache);
        assertEquals(4, tok.calls, "an intact cache must not re-encode");
        assertArrayEquals(first.train(), cached.train());
        assertArrayEquals(first.heldOut(), cached.heldOut());
        TokenDataset.load(text, tok, dir, "<sep>", 0.25, cache);
        assertEquals(4, tok.calls, "the directory holding the tokenizer file keys the same cache");

        TokenDataset.load(text, tok, tokenizerFile, null, 0.25, cache);
        assertEquals(5, tok.calls, "another separator must not reuse the cache");

        List<Path> files;
        try (var s = Files.list(cache)) {
            files = s.toList();
        }
        assertEquals(2, files.size(), "no temporary files are left behind: " + files);
        for (Path f : files) Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        TokenDataset rebuilt = TokenDataset.load(text, tok, tokenizerFile, "<sep>", 0.25, cache);
        assertEquals(9, tok.calls);
        assertArrayEquals(first.train(), rebuilt.train());
        assertArrayEquals(first.heldOut(), rebuilt.heldOut());
    }

    @Test
    void aTokenizerReplacedAtTheSamePathRebuildsTheCache(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("corpus.txt"), "one\n\ntwo\n\nthree");
        Path tokenizerFile = Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": 1}");
        Path cache = dir.resolve("cache");
        TokenDataset.load(text, new CharTokenizer(), tokenizerFile, null, 0, cache);

        Files.writeString(tokenizerFile, "{\"version\": 2}");
        CharTokenizer replaced = new CharTokenizer();
        TokenDataset.load(text, replaced, tokenizerFile, null, 0, cache);
        assertEquals(3, replaced.calls, "a stale cache was reused after the tokenizer file changed");
        TokenDataset.load(text, replaced, tokenizerFile, null, 0, cache);
        assertEquals(3, replaced.calls);
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> TokenDataset.load(text, replaced, dir.resolve("missing.json"), null, 0, cache));
    }

    static int count(int[] ids, int id) {
        return (int) IntStream.of(ids).filter(x -> x == id).count();
    }
}

package io.flexigpt.nn.tokenizer;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tokenizer.json whose ids are not contiguous (added tokens placed after a reserved range, holes inside
 * the model vocabulary) loads as the Hugging Face library loads it: encoding never produces a hole, decoding
 * skips one (an empty piece), and the vocabulary size runs to the largest id.
 */
class VocabularyGapsTest {
    static final int END_OF_TEXT = 300, ADDED = 305;

    /** The tiny GPT-2 tokenizer with "lo" (259) removed, end-of-text moved to 300 and a non-special added token at 305. */
    @SuppressWarnings("unchecked")
    static HfTokenizer gapped() throws IOException {
        Map<String, Object> root = ByteLevelBpeTokenizerTest.gpt2Json();
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        Map<String, Object> vocab = (Map<String, Object>) model.get("vocab");
        vocab.remove("lo");
        vocab.remove("low");
        vocab.put("<|endoftext|>", (long) END_OF_TEXT);
        model.put("merges", List.of("\u0120 t", "h e", List.of("\u0120t", "he")));
        List<Object> added = new ArrayList<>();
        added.add(Map.of("id", (long) END_OF_TEXT, "content", "<|endoftext|>", "special", true));
        added.add(Map.of("id", (long) ADDED, "content", "<sep>", "special", false));
        root.put("added_tokens", added);
        Path file = Files.createTempFile("gapped-", "-tokenizer.json");
        file.toFile().deleteOnExit();
        Files.writeString(file, Json.write(root));
        return HfTokenizer.load(file);
    }

    @Test
    void idsWithGapsLoadAndTheVocabularyRunsToTheLargestId() throws IOException {
        HfTokenizer tok = gapped();
        assertEquals(ADDED + 1, tok.vocabSize());
        assertEquals(END_OF_TEXT, tok.eosId());
        assertArrayEquals(
                new int[] {258, END_OF_TEXT, 'l', 'o', 'w', ADDED, 'x'},
                tok.encode(" the<|endoftext|>low<sep>x", false, false));
        for (int hole : new int[] {259, 260, 261, 299, 301, 304})
            assertNull(tok.piece(hole), "id " + hole + " is a gap");
        assertEquals("<sep>", tok.piece(ADDED));
    }

    @Test
    void decodingSkipsAGapAsTheHuggingFaceLibraryDoes() throws IOException {
        HfTokenizer tok = gapped();
        assertEquals(" thelow", tok.decode(new int[] {258, 260, 'l', 'o', 301, 'w'}));
        assertEquals("", tok.decode(new int[] {259}));
        assertEquals(0, tok.tokenBytes(-1, 299).length);
        StreamingDecoder streaming = tok.streamingDecoder();
        assertEquals(" the", streaming.next(258));
        assertEquals("", streaming.next(261));
        assertEquals("<sep>", streaming.next(ADDED));
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> tok.decode(new int[] {ADDED + 1}),
                "an id beyond the vocabulary is still an error");
    }

    @Test
    void encodingNeverProducesAGap() throws IOException {
        HfTokenizer tok = gapped();
        qt(200).forAll(TokenizerPropertiesTest.unicode()).checkAssert(text -> {
            String withTokens = text + "<sep>" + text + "<|endoftext|>";
            int[] ids = tok.encode(withTokens, true, true);
            for (int id : ids) assertNotNull(tok.piece(id), "id " + id + " of " + Json.write(withTokens));
            assertEquals(text + "<sep>" + text, tok.decode(ids));
        });
    }
}

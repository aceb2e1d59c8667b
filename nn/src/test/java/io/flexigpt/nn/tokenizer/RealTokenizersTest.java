package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real tokenizers agree with each other and with llama2.c, and decode what they encode. */
class RealTokenizersTest {
    static Llama2cTokenizer tok512() throws IOException {
        return Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
    }

    static Llama2cTokenizer llama32k() throws IOException {
        return Llama2cTokenizer.load(TestData.file("models/llama2-tokenizer/tokenizer.bin"));
    }

    static HfTokenizer stories260kHf() throws IOException {
        return HfTokenizer.load(TestData.file("models/stories260K-hf/tokenizer.json"));
    }

    /** tok512 as a GGUF file carries it: '▁' for space, BOS/EOS without newlines, token types. */
    static Tokenizer tok512AsGguf() throws IOException {
        Llama2cTokenizer bin = tok512();
        List<String> pieces = new ArrayList<>();
        float[] scores = new float[bin.vocabSize()];
        int[] types = new int[bin.vocabSize()];
        for (int i = 0; i < bin.vocabSize(); i++) {
            pieces.add(i == 1 ? "<s>" : i == 2 ? "</s>" : bin.piece(i).replace(' ', '\u2581'));
            scores[i] = bin.score(i);
            types[i] = i == 0 ? 2 : i <= 2 ? 3 : i <= 258 ? 6 : 1;
        }
        return Tokenizers.fromVocabulary(pieces, scores, types, 1, 2, 0, "llama", null);
    }

    static List<String> paragraphs() throws IOException {
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        return Arrays.stream(text.split("\n\n")).filter(p -> !p.isBlank()).toList();
    }

    @Test
    void llama2cHfAndGgufVocabulariesEncodeEveryParagraphIdentically() throws IOException {
        Tokenizer bin = tok512(), hf = stories260kHf(), gguf = tok512AsGguf();
        List<String> paragraphs = paragraphs();
        assertTrue(paragraphs.size() >= 300, paragraphs.size() + " paragraphs");
        for (String p : paragraphs) {
            int[] ids = bin.encode(p, true, false);
            assertEquals(1, ids[0]);
            assertArrayEquals(ids, hf.encode(p, true, false), p);
            assertArrayEquals(ids, gguf.encode(p, true, false), p);
            assertEquals(p, bin.decode(ids));
            assertEquals(p, hf.decode(ids));
            assertEquals(p, gguf.decode(ids));
        }
    }

    @Test
    void streamingDecoderReproducesDecodeOnEveryParagraph() throws IOException {
        for (Tokenizer tok : List.of(tok512(), stories260kHf(), tok512AsGguf(), llama32k())) {
            for (String p : paragraphs().subList(0, 100)) {
                int[] ids = tok.encode(p + " \u00e9t\u00e9 \u4f60\u597d \ud83d\ude00", true, true);
                StreamingDecoder streaming = tok.streamingDecoder();
                StringBuilder out = new StringBuilder();
                for (int id : ids) out.append(streaming.next(id));
                out.append(streaming.flush());
                assertEquals(tok.decode(ids), out.toString());
            }
        }
    }

    @Test
    void llama2VocabularyEncodesHelloWorldAsLlama2cDoes() throws IOException {
        Llama2cTokenizer tok = llama32k();
        assertEquals(32000, tok.vocabSize());
        assertArrayEquals(new int[] {1, 15043, 3186}, tok.encode("Hello world", true, false));
        assertArrayEquals(new int[] {1, 15043, 3186, 2}, tok.encode("Hello world", true, true));
        assertEquals("Hello", tok.decodeStep(1, 15043));
        assertEquals(" world", tok.decodeStep(15043, 3186));
        assertEquals(" Hello", tok.piece(15043));
    }

    @Test
    void unicodeRoundTripsThroughByteFallback() throws IOException {
        List<String> samples = List.of(
                "caf\u00e9 na\u00efve \u00fcber se\u00f1or",
                "\u4f60\u597d\uff0c\u4e16\u754c",
                "\ud83d\ude00\ud83d\udc4d\ud83c\udffd emoji",
                "mixed \u00e9\u4e2d\ud83d\ude80\n\ttabs",
                "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd");
        for (Tokenizer tok : List.of(tok512(), llama32k(), stories260kHf(), tok512AsGguf())) {
            for (String s : samples)
                assertEquals(
                        s,
                        tok.decode(tok.encode(s, true, false)),
                        tok.getClass().getSimpleName());
        }
    }

    @Test
    void byteTokensFormingOneCharacterDecodeToThatCharacter() throws IOException {
        Llama2cTokenizer tok = tok512();
        int[] euro = {0xE2 + 3, 0x82 + 3, 0xAC + 3};
        assertEquals("<0xE2>", tok.piece(euro[0]));
        assertEquals("\u20ac", tok.decode(euro));
        int[] ids = tok.encode("\u20ac", false, false);
        assertEquals("\u20ac", tok.decode(ids));
        assertEquals("\n", tok.decodeStep(5, 0x0A + 3));
        StreamingDecoder streaming = tok.streamingDecoder();
        assertEquals("", streaming.next(euro[0]));
        assertEquals("", streaming.next(euro[1]));
        assertEquals("\u20ac", streaming.next(euro[2]));
    }

    @Test
    void specialTokensDecodeToNothingAndLeadingSpaceIsDroppedAfterBos() throws IOException {
        Llama2cTokenizer tok = tok512();
        int[] ids = tok.encode("Once upon a time", true, true);
        assertEquals("Once upon a time", tok.decode(ids));
        assertEquals("", tok.decodeStep(ids[0], ids[ids.length - 1]));
        assertEquals(tok.piece(ids[1]).substring(1), tok.decodeStep(1, ids[1]));
        assertEquals(tok.piece(ids[2]), tok.decodeStep(ids[1], ids[2]));
        assertArrayEquals(new int[] {1}, tok.encode("", true, false));
        assertArrayEquals(new int[0], tok.encode("", false, false));
    }

    @Test
    void factoryRecognisesFilesAndDirectories() throws IOException {
        assertInstanceOf(HfTokenizer.class, Tokenizers.load(TestData.file("models/stories260K-hf")));
        assertInstanceOf(HfTokenizer.class, Tokenizers.load(TestData.file("models/stories260K-hf/tokenizer.json")));
        assertInstanceOf(Llama2cTokenizer.class, Tokenizers.load(TestData.file("models/stories260K/tok512.bin")));
        Tokenizer hf = stories260kHf();
        assertEquals(1, hf.bosId());
        assertEquals(2, hf.eosId());
        assertEquals(512, hf.vocabSize());
        assertEquals("<0x0A>", hf.piece(13));
    }
}

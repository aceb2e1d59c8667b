package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong, truncated and malformed tokenizer files fail with a message naming the file and the place. */
class BadTokenizerFilesTest {
    @TempDir
    Path dir;

    private static void assertMessage(FormatException e, String... parts) {
        for (String part : parts)
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    @Test
    void truncatedLlama2cFileNamesByteOffsetAndToken() throws IOException {
        byte[] full = Files.readAllBytes(TestData.file("models/stories260K/tok512.bin"));
        // token 0 is "<unk>": score at byte 4, length at 8, text at 12..17; token 1 starts at byte 17
        Path cutInText = write("tok512-cut.bin", Arrays.copyOf(full, 14));
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(cutInText)),
                "tok512-cut.bin",
                "byte 12",
                "token 0",
                "truncated");
        Path cutInHeader = write("tok512-cut2.bin", Arrays.copyOf(full, 20));
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(cutInHeader)),
                "tok512-cut2.bin",
                "byte 17",
                "token 1");
        Path tiny = write("tok512-tiny.bin", Arrays.copyOf(full, 2));
        assertMessage(assertThrows(FormatException.class, () -> Tokenizers.load(tiny)), "tok512-tiny.bin", "2 bytes");
        for (int cut = 100; cut < full.length; cut += 97) {
            Path file = write("tok512-" + cut + ".bin", Arrays.copyOf(full, cut));
            assertMessage(
                    assertThrows(FormatException.class, () -> Llama2cTokenizer.load(file, 512)),
                    "tok512-" + cut + ".bin",
                    "byte ",
                    "token ");
            if (cut < 3000)
                assertMessage(
                        assertThrows(FormatException.class, () -> Llama2cTokenizer.load(file)),
                        "tok512-" + cut + ".bin",
                        "byte ");
        }
        Path longer = write("tok512-longer.bin", Arrays.copyOf(full, full.length + 3));
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(longer, 512)),
                "tok512-longer.bin",
                "byte " + full.length,
                "after the 512");
        Path notBytes = write("tok512-no-bytes.bin", full.clone());
        Files.write(notBytes, replaceFirst(full, "<0x41>", "<0x42>"));
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(notBytes)),
                "tok512-no-bytes.bin",
                "token 68",
                "<0x41>");
    }

    private static byte[] replaceFirst(byte[] data, String from, String to) {
        String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), to)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void absurdLengthsAreRejectedBeforeAllocating() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(7)
                .putFloat(0f)
                .putInt(1_000_000_000);
        Path file = write("absurd.bin", b.array());
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(file)),
                "absurd.bin",
                "byte 8",
                "token 0",
                "1000000000");
        Path negative = write(
                "negative.bin",
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-5).array());
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(negative)),
                "negative.bin",
                "byte 0",
                "max_token_length");
    }

    @Test
    void otherKindsOfFileGivenAsLlama2cTokenizerAreNamed() throws IOException {
        Path json = write("tokenizer.bin", Files.readAllBytes(TestData.file("models/stories260K-hf/tokenizer.json")));
        assertMessage(assertThrows(FormatException.class, () -> Llama2cTokenizer.load(json)), "tokenizer.bin", "JSON");
        Path safetensors = TestData.file("models/stories260K-hf/model.safetensors");
        assertMessage(
                assertThrows(FormatException.class, () -> Llama2cTokenizer.load(safetensors)),
                "model.safetensors",
                "safetensors");
        Path gguf = TestData.file("models/stories260K/stories260K-f16.gguf");
        assertMessage(assertThrows(FormatException.class, () -> Tokenizers.load(gguf)), "stories260K-f16.gguf", "GGUF");
        Path checkpoint = TestData.file("models/stories260K/stories260K.bin");
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(checkpoint)), "stories260K.bin", "byte ");
    }

    /** A llama2.c file with max_token_length 123, whose first byte is '{'. */
    private Path braceFirstLlama2cFile() throws IOException {
        List<String> pieces = new java.util.ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
        for (int b = 0; b < 256; b++) pieces.add(String.format("<0x%02X>", b));
        pieces.addAll(List.of(" ", "a", "b", "ab", " ab"));
        float[] scores = new float[pieces.size()];
        scores[262] = 1;
        scores[263] = 2;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(123)
                .array());
        for (int i = 0; i < pieces.size(); i++) {
            byte[] text = pieces.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(scores[i])
                    .putInt(text.length)
                    .array());
            out.writeBytes(text);
        }
        return write("brace.bin", out.toByteArray());
    }

    @Test
    void llama2cFileStartingWithABraceIsNotMistakenForJson() throws IOException {
        Tokenizer tok = Tokenizers.load(braceFirstLlama2cFile());
        assertTrue(tok instanceof Llama2cTokenizer);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {263, 263}, tok.encode("ab ab", false, false));
        org.junit.jupiter.api.Assertions.assertEquals("ab ab", tok.decode(new int[] {263, 263}));
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        byte[] full = Files.readAllBytes(TestData.file("models/stories260K-hf/tokenizer.json"));
        Path cut = write("cut-tokenizer.json", Arrays.copyOf(full, full.length / 2));
        assertMessage(assertThrows(FormatException.class, () -> Tokenizers.load(cut)), "cut-tokenizer.json", "line");
        Path notUtf8 = write("latin1-tokenizer.json", new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertMessage(
                assertThrows(FormatException.class, () -> HfTokenizer.load(notUtf8)), "latin1-tokenizer.json", "UTF-8");
    }

    @SuppressWarnings("unchecked")
    private Path edited(String name, java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> root = (Map<String, Object>)
                Json.parse(Files.readString(TestData.file("models/stories260K-hf/tokenizer.json")), "test");
        edit.accept(root);
        return write(name, Json.write(root).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsupportedOrInconsistentTokenizerJsonNamesTheJsonPath() throws IOException {
        Path wordPiece =
                edited("wordpiece.json", root -> ((Map<String, Object>) root.get("model")).put("type", "WordPiece"));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(wordPiece)),
                "wordpiece.json",
                "$.model.type",
                "WordPiece");
        Path badMerge = edited("bad-merge.json", root -> ((Map<String, Object>) root.get("model"))
                .put("merges", List.of("\u2581 t", "q zzz")));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(badMerge)),
                "bad-merge.json",
                "$.model.merges[1]",
                "zzz");
        Path badShape = edited("bad-shape.json", root -> ((Map<String, Object>) root.get("model"))
                .put("merges", List.of(List.of("a", "b", "c"))));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(badShape)),
                "bad-shape.json",
                "$.model.merges[0]");
        Path whitespace = edited("whitespace.json", root -> root.put("pre_tokenizer", Map.of("type", "Whitespace")));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(whitespace)),
                "whitespace.json",
                "$.pre_tokenizer.type",
                "Whitespace");
        Path decoder = edited(
                "decoder.json", root -> ((List<Object>) ((Map<String, Object>) root.get("decoder")).get("decoders"))
                        .add(Map.of("type", "CTC")));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(decoder)),
                "decoder.json",
                "$.decoder.decoders[4].type",
                "CTC");
        Path noModel = edited("no-model.json", root -> root.remove("model"));
        assertMessage(assertThrows(FormatException.class, () -> Tokenizers.load(noModel)), "no-model.json", "$.model");
        Path badId = edited(
                "bad-id.json", root -> ((Map<String, Object>) ((Map<String, Object>) root.get("model")).get("vocab"))
                        .put("x", "seven"));
        assertMessage(
                assertThrows(FormatException.class, () -> Tokenizers.load(badId)),
                "bad-id.json",
                "$.model.vocab[\"x\"]");
    }

    @Test
    void inconsistentGgufVocabularyIsRejected() {
        assertThrows(
                FormatException.class,
                () -> Tokenizers.fromVocabulary(List.of("a", "b"), new float[3], null, 0, 1, 0, "llama", null));
        assertThrows(
                FormatException.class,
                () -> Tokenizers.fromVocabulary(List.of("a", "b"), null, null, 5, 1, 0, "llama", null));
        assertThrows(
                FormatException.class,
                () -> Tokenizers.fromVocabulary(List.of("a", "b"), null, null, 0, 1, 0, "bert", null));
        assertThrows(
                FormatException.class,
                () -> Tokenizers.fromVocabulary(List.of("a", "b"), null, null, 0, 1, -1, "gpt2", null));
    }
}

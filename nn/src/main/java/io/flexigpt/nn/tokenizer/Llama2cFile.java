package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads llama2.c's tokenizer layout: little-endian int32 {@code max_token_length}, then per token a float32
 * score, an int32 byte length and that many UTF-8 bytes. Ids 1 and 2 are BOS and EOS, ids 3..258 the byte
 * tokens {@code <0x00>..<0xFF>} that unknown bytes fall back to.
 */
final class Llama2cFile {
    static final int MAX_TOKEN_LENGTH = 4096;
    static final int MAX_TOKENS = 1 << 22;
    private static final int BOS = 1, EOS = 2, FIRST_MERGE = 259;

    private Llama2cFile() {}

    /** Reads {@code expectedTokens} tokens (exactly), or all tokens up to the end of the file when it is -1. */
    static Llama2cTokenizer read(Path file, int expectedTokens) throws IOException {
        byte[] data = Files.readAllBytes(file);
        rejectOtherFormats(file, data);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int maxLength = buf.getInt();
        if (maxLength <= 0 || maxLength > MAX_TOKEN_LENGTH) {
            throw new FormatException(file + ": byte 0: max_token_length is " + maxLength + ", expected 1.."
                    + MAX_TOKEN_LENGTH + " (is this a llama2.c tokenizer file?)");
        }
        List<byte[]> texts = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (expectedTokens < 0 ? buf.hasRemaining() : texts.size() < expectedTokens) {
            int id = texts.size(), offset = buf.position();
            if (id == MAX_TOKENS)
                throw new FormatException(file + ": byte " + offset + ": more than " + MAX_TOKENS + " tokens");
            if (buf.remaining() < 8) {
                throw new FormatException(file + ": byte " + offset + ": token " + id
                        + " is truncated: expected a float32 score and an int32 length, found " + buf.remaining()
                        + " bytes");
            }
            float score = buf.getFloat();
            int length = buf.getInt();
            if (length < 0 || length > maxLength) {
                throw new FormatException(file + ": byte " + (offset + 4) + ": token " + id + " has length " + length
                        + ", expected 0.." + maxLength + " (max_token_length)");
            }
            if (buf.remaining() < length) {
                throw new FormatException(file + ": byte " + buf.position() + ": token " + id
                        + " is truncated: expected " + length + " bytes of text, found " + buf.remaining());
            }
            byte[] text = new byte[length];
            buf.get(text);
            texts.add(text);
            scores.add(score);
        }
        if (buf.hasRemaining())
            throw new FormatException(
                    file + ": byte " + buf.position() + ": unexpected data after the " + expectedTokens + " tokens");
        if (texts.size() < FIRST_MERGE) {
            throw new FormatException(file + ": byte " + buf.position() + ": the file ends after " + texts.size()
                    + " tokens; expected at least " + FIRST_MERGE + " (<unk>, BOS, EOS and the 256 byte tokens)");
        }
        for (int b = 0; b < 256; b++) {
            String piece = new String(texts.get(b + 3), StandardCharsets.UTF_8);
            if (Llama2cTokenizer.byteValue(piece) != b) {
                throw new FormatException(file + ": token " + (b + 3) + " is '" + piece + "', expected the byte token "
                        + String.format("<0x%02X>", b) + " (llama2.c falls back to id byte + 3)");
            }
        }
        return build(texts, scores);
    }

    private static Llama2cTokenizer build(List<byte[]> textList, List<Float> scoreList) {
        int n = textList.size();
        String[] pieces = new String[n];
        byte[][] texts = textList.toArray(new byte[0][]);
        float[] scores = new float[n];
        boolean[] matchable = new boolean[n], control = new boolean[n];
        Arrays.fill(matchable, true);
        for (int i = 0; i < n; i++) {
            pieces[i] = new String(texts[i], StandardCharsets.UTF_8);
            scores[i] = scoreList.get(i);
        }
        control[BOS] = control[EOS] = true;
        control[0] = pieces[0].equals("<unk>");
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) byteIds[b] = b + 3;
        return new Llama2cTokenizer(pieces, texts, scores, matchable, control, byteIds, BOS, EOS);
    }

    /** Names the format of a file that is clearly something else. */
    private static void rejectOtherFormats(Path file, byte[] data) throws FormatException {
        if (data.length < 4)
            throw new FormatException(file + ": " + data.length
                    + " bytes; expected a llama2.c tokenizer starting with int32 max_token_length");
        String expected = ", not a llama2.c tokenizer (int32 max_token_length, then score/length/bytes per token)";
        if (looksLikeJson(data, data.length)) throw new FormatException(file + ": byte 0: this is JSON" + expected);
        if (data[0] == 'G' && data[1] == 'G' && data[2] == 'U' && data[3] == 'F')
            throw new FormatException(file + ": byte 0: this is a GGUF file" + expected);
        if (data.length > 10) {
            long headerLength =
                    ByteBuffer.wrap(data, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength > 1
                    && headerLength <= data.length - 8
                    && data[8] == '{'
                    && (data[9] == '"' || data[9] == '}')) {
                throw new FormatException(file + ": byte 8: this is a safetensors file" + expected);
            }
        }
    }

    /**
     * Whether the first {@code length} bytes start a JSON object: optional whitespace (or a UTF-8 byte order
     * mark), '{', optional whitespace, then '"' or '}'. A llama2.c file whose max_token_length is 123
     * (byte '{') is followed by zero bytes, so it does not qualify.
     */
    static boolean looksLikeJson(byte[] head, int length) {
        int i = 0;
        if (length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) i = 3;
        while (i < length && isJsonWhitespace(head[i])) i++;
        if (i >= length || head[i] != '{') return false;
        i++;
        while (i < length && isJsonWhitespace(head[i])) i++;
        return i < length && (head[i] == '"' || head[i] == '}');
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}

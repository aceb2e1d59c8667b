package io.flexigpt.nn.tokenizer;

import io.flexigpt.tensor.io.FormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A score-greedy BPE vocabulary as llama2.c uses it (and GGUF "llama" vocabularies): text gets a dummy
 * leading space, each UTF-8 character becomes its token or, failing that, byte tokens
 * {@code <0x00>..<0xFF>}; then the adjacent pair whose concatenation is the highest-scoring token is
 * merged until none is left. Pieces are byte strings; spaces may be written as '▁' (GGUF, SentencePiece).
 */
public final class Llama2cTokenizer implements Tokenizer {
    private static final int MAX_VOCAB = 1 << 22, MAX_TOKEN_LENGTH = 1 << 16;

    private final String[] pieces;      // as stored
    private final byte[][] bytes;       // what each piece stands for in text ('▁' as space, <0xNN> as that byte)
    private final float[] scores;
    private final Map<String, Integer> index = new HashMap<>(); // key: bytes as ISO-8859-1 string
    private final int[] byteTokens = new int[256];
    private final int bos, eos;

    Llama2cTokenizer(List<String> pieces, float[] scores, int bos, int eos) {
        this(pieces, scores, null, bos, eos);
    }

    /** {@code special[i]} marks control/unknown tokens that text never encodes to (may be null). */
    Llama2cTokenizer(List<String> pieces, float[] scores, boolean[] special, int bos, int eos) {
        int n = pieces.size();
        this.pieces = pieces.toArray(new String[0]);
        this.scores = scores.clone();
        this.bytes = new byte[n][];
        this.bos = bos;
        this.eos = eos;
        java.util.Arrays.fill(byteTokens, -1);
        for (int i = 0; i < n; i++) {
            String p = this.pieces[i];
            int byteValue = byteToken(p);
            if (byteValue >= 0) {
                bytes[i] = new byte[] {(byte) byteValue};
                if (byteTokens[byteValue] < 0) byteTokens[byteValue] = i;
                continue;
            }
            bytes[i] = p.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            if (special != null && special[i]) continue;
            index.putIfAbsent(key(bytes[i]), i);
        }
    }

    /** Reads a llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}). */
    public static Llama2cTokenizer load(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) throw new FormatException(file + ": " + data.length + " bytes is too short for a llama2.c tokenizer");
        int maxLen = buf.getInt();
        if (maxLen <= 0 || maxLen > MAX_TOKEN_LENGTH) {
            throw new FormatException(file + ": byte 0: max_token_length " + maxLen + " is not in [1, " + MAX_TOKEN_LENGTH + "]; not a llama2.c tokenizer file");
        }
        java.util.ArrayList<String> pieces = new java.util.ArrayList<>();
        java.util.ArrayList<Float> scoreList = new java.util.ArrayList<>();
        while (buf.hasRemaining()) {
            int id = pieces.size();
            if (id >= MAX_VOCAB) throw new FormatException(file + ": more than " + MAX_VOCAB + " tokens");
            if (buf.remaining() < 8) throw new FormatException(file + ": truncated at byte " + buf.position() + " in the header of token " + id);
            float score = buf.getFloat();
            int len = buf.getInt();
            if (len < 0 || len > maxLen) {
                throw new FormatException(file + ": byte " + (buf.position() - 4) + ": token " + id + " has length " + len + ", expected 0.." + maxLen);
            }
            if (buf.remaining() < len) throw new FormatException(file + ": truncated at byte " + buf.position() + " in the text of token " + id);
            byte[] b = new byte[len];
            buf.get(b);
            pieces.add(new String(b, StandardCharsets.UTF_8));
            scoreList.add(score);
        }
        if (pieces.size() < 3) throw new FormatException(file + ": only " + pieces.size() + " tokens; a llama2.c vocabulary has at least <unk>, <s>, </s>");
        float[] scores = new float[scoreList.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = scoreList.get(i);
        return new Llama2cTokenizer(pieces, scores, 1, 2);
    }

    /** The byte value of a {@code <0xNN>} piece, or -1. */
    static int byteToken(String p) {
        if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
            try {
                return Integer.parseInt(p.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[utf8.length + 1];
        int n = 0;
        if (utf8.length > 0) {
            Integer space = index.get(" ");
            if (space != null) ids[n++] = space;
        }
        for (int i = 0; i < utf8.length; ) {
            int len = utf8Length(utf8[i]);
            len = Math.min(len, utf8.length - i);
            Integer id = index.get(new String(utf8, i, len, StandardCharsets.ISO_8859_1));
            if (id != null) {
                ids[n++] = id;
            } else {
                for (int j = 0; j < len; j++) ids[n++] = byteFallback(utf8[i + j]);
            }
            i += len;
        }
        int[] merged = ScoreMerger.merge(java.util.Arrays.copyOf(ids, n), new ScoreMerger.Rule() {
            @Override
            public int merge(int left, int right) {
                byte[] a = bytes[left], b = bytes[right];
                byte[] ab = new byte[a.length + b.length];
                System.arraycopy(a, 0, ab, 0, a.length);
                System.arraycopy(b, 0, ab, a.length, b.length);
                Integer id = index.get(key(ab));
                return id == null ? -1 : id;
            }

            @Override
            public double priority(int mergedId, int left, int right) {
                return scores[mergedId];
            }
        });
        int extra = (addBos ? 1 : 0) + (addEos ? 1 : 0);
        int[] out = new int[merged.length + extra];
        int k = 0;
        if (addBos) out[k++] = bos;
        System.arraycopy(merged, 0, out, k, merged.length);
        if (addEos) out[out.length - 1] = eos;
        return out;
    }

    private int byteFallback(byte b) {
        int id = byteTokens[b & 0xFF];
        return id >= 0 ? id : (b & 0xFF) + 3;
    }

    private static int utf8Length(byte first) {
        int c = first & 0xFF;
        if (c >= 0xF0) return 4;
        if (c >= 0xE0) return 3;
        if (c >= 0xC0) return 2;
        return 1;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int id : ids) {
            byte[] b = tokenBytes(prev, id);
            out.write(b, 0, b.length);
            prev = id;
        }
        String s = new String(out.toByteArray(), StandardCharsets.UTF_8);
        // the dummy prefix space of the first piece
        return s.startsWith(" ") && ids.length > 0 && ids[0] != bos ? s.substring(1) : s;
    }

    @Override
    public byte[] tokenBytes(int previousId, int id) {
        if (id < 0 || id >= pieces.length) throw new IndexOutOfBoundsException("token id " + id + " out of range for vocabulary " + pieces.length);
        if (id == bos || id == eos || (id == 0 && "<unk>".equals(pieces[0]))) return new byte[0];
        byte[] b = bytes[id];
        if (previousId == bos && b.length > 0 && b[0] == ' ') return java.util.Arrays.copyOfRange(b, 1, b.length);
        return b;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public String piece(int id) {
        return pieces[id];
    }

    /** The merge score of a piece. */
    public float score(int id) {
        return scores[id];
    }
}

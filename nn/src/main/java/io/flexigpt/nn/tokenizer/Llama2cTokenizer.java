package io.flexigpt.nn.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Score-greedy BPE exactly as llama2.c's {@code run.c} encodes: a dummy space before non-empty text, each
 * UTF-8 character looked up as a piece (or, failing that, as byte tokens), then the adjacent pair whose
 * concatenation is the highest-scoring piece is merged (leftmost on ties) until no pair is a piece.
 * Loaded from a llama2.c {@code tokenizer.bin} with {@link #load(Path)}, or built from a GGUF "llama"
 * vocabulary by {@link Tokenizers#fromVocabulary}.
 */
public final class Llama2cTokenizer implements Tokenizer {
    /** llama2.c never merges into a piece whose score is not above this. */
    private static final float MIN_SCORE = -1e10f;

    private static final byte[] DUMMY_PREFIX = {' '};

    private final String[] pieces;
    private final byte[][] outputs; // what a piece decodes to (one byte for byte tokens)
    private final boolean[] byteToken;
    private final float[] scores;
    private final boolean[] control;
    private final int[] byteIds;
    private final int[] asciiIds = new int[128];
    private final LongIntMap characterIds;
    private final LongIntMap merges;
    private final int[] canonical;
    private final boolean[] mergeable;
    private final int bos, eos;
    private final int[] eosIds;
    private final boolean addsBos;

    /**
     * @param texts    each piece's text as matched and merged (spaces as ' ')
     * @param matchable pieces that text may encode to (false for control and unknown tokens)
     * @param control  pieces that decode to nothing
     * @param byteIds  the id each byte value falls back to
     */
    Llama2cTokenizer(
            String[] pieces,
            byte[][] texts,
            float[] scores,
            boolean[] matchable,
            boolean[] control,
            int[] byteIds,
            int bos,
            int eos) {
        this(pieces, texts, scores, matchable, control, byteIds, bos, eos < 0 ? new int[0] : new int[] {eos}, true);
    }

    /** As above, with every id that ends generation ({@code eosIds[0]} is the EOS id) and whether encoding adds BOS by default. */
    Llama2cTokenizer(
            String[] pieces,
            byte[][] texts,
            float[] scores,
            boolean[] matchable,
            boolean[] control,
            int[] byteIds,
            int bos,
            int[] eosIds,
            boolean addsBos) {
        int n = pieces.length;
        int eos = eosIds.length == 0 ? -1 : eosIds[0];
        this.eosIds = eosIds.clone();
        this.addsBos = addsBos && bos >= 0;
        this.pieces = pieces;
        this.scores = scores;
        this.control = control;
        this.byteIds = byteIds;
        this.bos = bos;
        this.eos = eos;
        outputs = new byte[n][];
        byteToken = new boolean[n];
        for (int i = 0; i < n; i++) {
            int b = byteValue(pieces[i]);
            byteToken[i] = b >= 0;
            outputs[i] = byteToken[i] ? new byte[] {(byte) b} : texts[i];
        }
        Map<String, Integer> index = new HashMap<>(2 * n);
        for (int i = 0; i < n; i++) if (matchable[i]) index.putIfAbsent(key(texts[i], 0, texts[i].length), i);
        canonical = new int[n];
        for (int i = 0; i < n; i++) canonical[i] = index.getOrDefault(key(texts[i], 0, texts[i].length), i);
        Arrays.fill(asciiIds, -1);
        characterIds = new LongIntMap(n);
        merges = new LongIntMap(4 * n);
        boolean[] inMerge = new boolean[n];
        for (int id : index.values()) {
            byte[] t = texts[id];
            if (t.length == 1 && t[0] >= 0) asciiIds[t[0]] = id;
            else if (t.length >= 1 && t.length <= 4) characterIds.putIfAbsent(characterKey(t, 0, t.length), id);
            for (int split = 0; split <= t.length; split++) {
                Integer left = index.get(key(t, 0, split)), right = index.get(key(t, split, t.length - split));
                if (left != null && right != null) {
                    merges.putIfAbsent(LongIntMap.pair(left, right), id);
                    inMerge[left] = inMerge[right] = true;
                }
            }
        }
        mergeable = new boolean[n];
        for (int i = 0; i < n; i++) mergeable[i] = inMerge[canonical[i]];
    }

    /** Reads a llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}): every token up to the end of the file. */
    public static Llama2cTokenizer load(Path file) throws IOException {
        return Llama2cFile.read(file, -1);
    }

    /**
     * Reads exactly {@code vocabSize} tokens, the model's vocabulary size, as llama2.c does; a file that is
     * shorter or longer is an error, so truncation at a token boundary is caught too.
     */
    public static Llama2cTokenizer load(Path file, int vocabSize) throws IOException {
        if (vocabSize <= 0 || vocabSize > Llama2cFile.MAX_TOKENS)
            throw new IllegalArgumentException("vocabulary size " + vocabSize);
        return Llama2cFile.read(file, vocabSize);
    }

    /** The value of a {@code <0xNN>} byte piece, or -1. */
    static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        int hi = Character.digit(piece.charAt(3), 16), lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static String key(byte[] b, int offset, int length) {
        return new String(b, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static long characterKey(byte[] b, int offset, int length) {
        long k = length;
        for (int i = 0; i < length; i++) k = (k << 8) | (b[offset + i] & 0xFF);
        return k;
    }

    /** Higher scores merge first, so the rank reverses the float order. */
    private static int rankOf(float score) {
        int bits = Float.floatToIntBits(score);
        return ~(bits ^ ((bits >> 31) & 0x7FFFFFFF));
    }

    private long rule(int left, int right) {
        int merged = merges.get(LongIntMap.pair(canonical[left], canonical[right]));
        if (merged < 0 || !(scores[merged] > MIN_SCORE)) return PairMerger.NONE;
        return ((long) rankOf(scores[merged]) << 32) | merged;
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[utf8.length + 1];
        int n = 0;
        if (utf8.length > 0) n = appendCharacter(DUMMY_PREFIX, 0, 1, ids, n);
        for (int i = 0; i < utf8.length; ) {
            int len = 1;
            while (len < 4 && i + len < utf8.length && (utf8[i + len] & 0xC0) == 0x80) len++;
            n = appendCharacter(utf8, i, len, ids, n);
            i += len;
        }
        n = PairMerger.merge(ids, n, this::rule, mergeable);
        int first = addBos ? 1 : 0;
        int[] out = new int[first + n + (addEos ? 1 : 0)];
        if (addBos) out[0] = bos;
        System.arraycopy(ids, 0, out, first, n);
        if (addEos) out[out.length - 1] = eos;
        return out;
    }

    private int appendCharacter(byte[] utf8, int offset, int len, int[] ids, int n) {
        int id = len == 1 && utf8[offset] >= 0
                ? asciiIds[utf8[offset]]
                : characterIds.get(characterKey(utf8, offset, len));
        if (id >= 0) {
            ids[n++] = id;
        } else {
            for (int j = 0; j < len; j++) {
                int byteId = byteIds[utf8[offset + j] & 0xFF];
                if (byteId >= 0) ids[n++] = byteId;
            }
        }
        return n;
    }

    @Override
    public String decode(int[] ids) {
        byte[] out = new byte[64];
        int size = 0, previous = -1;
        for (int id : ids) {
            byte[] b = tokenBytes(previous, id);
            if (size + b.length > out.length) out = Arrays.copyOf(out, Math.max(2 * out.length, size + b.length));
            System.arraycopy(b, 0, out, size, b.length);
            size += b.length;
            previous = id;
        }
        return new String(out, 0, size, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int previousId, int id) {
        if (id < 0 || id >= pieces.length)
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of " + pieces.length);
        if (control[id]) return new byte[0];
        byte[] b = outputs[id];
        boolean afterStart = previousId < 0 || previousId == bos;
        return afterStart && !byteToken[id] && b.length > 0 && b[0] == ' ' ? Arrays.copyOfRange(b, 1, b.length) : b;
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
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public boolean addsBos() {
        return addsBos;
    }

    @Override
    public String piece(int id) {
        return pieces[id];
    }

    /** The merge score of a piece. */
    public float score(int id) {
        return scores[id];
    }

    /**
     * A GGUF-style vocabulary: pieces with '▁' for space; token types 2 (unknown), 3 (control), 5 (unused)
     * and empty pieces never match text, and they decode to nothing, as do BOS and the {@code eosIds}.
     */
    static Llama2cTokenizer fromPieces(
            List<String> pieceList, float[] scores, int[] tokenTypes, int bos, int[] eosIds, int unk, boolean addsBos) {
        int n = pieceList.size();
        String[] pieces = pieceList.toArray(new String[0]);
        byte[][] texts = new byte[n][];
        boolean[] matchable = new boolean[n], control = new boolean[n];
        int[] byteIds = new int[256];
        Arrays.fill(byteIds, unk);
        for (int id : eosIds) control[id] = true;
        for (int i = n - 1; i >= 0; i--) {
            texts[i] = pieces[i].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            int type = tokenTypes == null ? 1 : tokenTypes[i];
            control[i] |= type == 2 || type == 3 || type == 5 || i == bos || pieces[i].isEmpty();
            matchable[i] = !control[i];
            int b = byteValue(pieces[i]);
            if (b >= 0 && (tokenTypes == null || type == 6)) byteIds[b] = i;
        }
        return new Llama2cTokenizer(pieces, texts, scores.clone(), matchable, control, byteIds, bos, eosIds, addsBos);
    }
}

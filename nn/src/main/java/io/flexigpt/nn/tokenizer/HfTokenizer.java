package io.flexigpt.nn.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model, SentencePiece-like (Llama: '▁' for spaces, byte
 * fallback) or GPT-2 byte-level. Encoding: added tokens are matched in the raw text first; each remaining
 * segment is normalized, pre-tokenized into words, and each word BPE-merged lowest rank first. Decoding
 * drops special tokens and runs the file's decoder chain. The ids may have gaps, as the Hugging Face library
 * allows: an id no token has is never produced by encoding, is skipped by decoding, and has a null piece.
 */
public final class HfTokenizer implements Tokenizer {
    private final String[] pieces;
    private final boolean[] special;
    private final AddedTokens addedTokens;
    private final UnaryOperator<String> normalizer;
    private final PreTokenizer preTokenizer;
    private final RankedBpe model;
    private final Decoder decoder;
    private final TokenDecoding tokenDecoding;
    private final int bos, eos;
    private final int[] eosIds;
    private final boolean addsBos;

    /** How a single token turns into bytes while streaming. */
    record TokenDecoding(boolean byteLevel, boolean byteFallback, Decoder perToken, boolean stripsLeadingSpace) {}

    HfTokenizer(
            String[] pieces,
            boolean[] special,
            AddedTokens addedTokens,
            UnaryOperator<String> normalizer,
            PreTokenizer preTokenizer,
            RankedBpe model,
            Decoder decoder,
            TokenDecoding tokenDecoding,
            int bos,
            int[] eosIds,
            boolean addsBos) {
        this.pieces = pieces;
        this.special = special;
        this.addedTokens = addedTokens;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.decoder = decoder;
        this.tokenDecoding = tokenDecoding;
        this.bos = bos;
        this.eos = eosIds.length == 0 ? -1 : eosIds[0];
        this.eosIds = eosIds.clone();
        this.addsBos = addsBos && bos >= 0;
    }

    /**
     * Reads a {@code tokenizer.json}, with the special tokens that {@code tokenizer_config.json} and
     * {@code generation_config.json} in the same directory name (see {@link TokenizerConfig}).
     */
    public static HfTokenizer load(Path file) throws IOException {
        return HfTokenizerReader.read(file);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        IdList ids = new IdList();
        if (addBos && bos >= 0) ids.add(bos);
        addedTokens.split(text, new AddedTokens.Visitor() {
            @Override
            public void text(String segment, boolean atStart) {
                for (String word : preTokenizer.split(normalizer.apply(segment), atStart)) model.encodeWord(word, ids);
            }

            @Override
            public void token(int id) {
                ids.add(id);
            }
        });
        if (addEos && eos >= 0) ids.add(eos);
        return ids.toArray();
    }

    @Override
    public String decode(int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            checkId(id);
            if (!special[id] && pieces[id] != null) tokens.add(pieces[id]);
        }
        return String.join("", decoder.decode(tokens));
    }

    @Override
    public byte[] tokenBytes(int previousId, int id) {
        checkId(id);
        if (special[id] || pieces[id] == null) return new byte[0];
        String piece = pieces[id];
        if (tokenDecoding.byteLevel()) return ByteLevelAlphabet.decode(piece);
        int b = tokenDecoding.byteFallback() ? Llama2cTokenizer.byteValue(piece) : -1;
        if (b >= 0) return new byte[] {(byte) b};
        String text = String.join("", tokenDecoding.perToken().decode(List.of(piece)));
        boolean atStart = previousId < 0 || previousId == bos;
        if (atStart && tokenDecoding.stripsLeadingSpace() && text.startsWith(" ")) text = text.substring(1);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length)
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of " + pieces.length);
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

    /** The stored token of {@code id}, null for an id in a gap of the vocabulary. */
    @Override
    public String piece(int id) {
        return pieces[id];
    }
}

package io.flexigpt.nn.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Maps text to token ids and back. Implementations are immutable and safe to share between threads.
 * Decoding drops control tokens (BOS, EOS, other special tokens) and, as llama2.c does, the leading
 * space of a token that follows BOS or starts the sequence (the dummy prefix added by encoding).
 */
public interface Tokenizer {
    /** Token ids of {@code text}, optionally preceded by BOS and followed by EOS. */
    int[] encode(String text, boolean addBos, boolean addEos);

    /** The text of a sequence of ids; byte tokens that together form UTF-8 characters become those characters. */
    String decode(int[] ids);

    /** Number of token ids. */
    int vocabSize();

    /** The beginning-of-sequence id, or -1 if the vocabulary has none. */
    int bosId();

    /** The end-of-sequence id, or -1 if the vocabulary has none. */
    int eosId();

    /**
     * Every id that ends generation (EOS, end of turn, ...; generation stops at any of them), {@link #eosId()}
     * first when there is one.
     */
    default int[] eosIds() {
        return eosId() < 0 ? new int[0] : new int[] {eosId()};
    }

    /** Whether this tokenizer's own configuration prepends BOS to encoded text (Hugging Face's {@code add_bos_token}). */
    default boolean addsBos() {
        return bosId() >= 0;
    }

    /**
     * The vocabulary entry of {@code id} as stored (e.g. {@code "▁the"}, {@code " the"} or {@code "<0x0A>"}); null for
     * an id in a gap of a vocabulary whose ids are not contiguous (such an id is never produced by encoding).
     */
    String piece(int id);

    /** The bytes {@code id} adds to running text, given the token before it (-1 at the start). */
    byte[] tokenBytes(int previousId, int id);

    /**
     * The text of one token given the previous one. A byte token that is part of a multi-byte character
     * gives a replacement character here; {@link #streamingDecoder()} avoids that.
     */
    default String decodeStep(int previousId, int id) {
        return new String(tokenBytes(previousId, id), StandardCharsets.UTF_8);
    }

    /** A decoder for streaming generation that emits text only when its UTF-8 characters are complete. */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }
}

package io.flexigpt.nn.tokenizer;

/** Maps text to token ids and back. */
public interface Tokenizer {
    /** Token ids of {@code text}, optionally preceded by BOS and followed by EOS. */
    int[] encode(String text, boolean addBos, boolean addEos);

    /** The text of a sequence of ids (special tokens such as BOS/EOS are dropped). */
    String decode(int[] ids);

    int vocabSize();

    int bosId();

    int eosId();

    /** The vocabulary entry of {@code id} as stored (e.g. {@code "▁the"} or {@code "<0x0A>"}). */
    String piece(int id);

    /** The raw bytes {@code id} stands for in running text, given the token before it (-1 at the start). */
    byte[] tokenBytes(int previousId, int id);

    /** A decoder for streaming generation that emits text only when its UTF-8 bytes are complete. */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }
}

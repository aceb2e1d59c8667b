package io.flexigpt.compress;

import io.flexigpt.nn.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/** A tokenizer of one id per character ({@code 3 + c % 37}, fitting the tiny test models' vocabulary of 40), BOS 1, EOS 2: enough to split and window text in tests. */
final class CharTokenizer implements Tokenizer {
    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        IntStream chars = text.chars().map(c -> 3 + c % 37);
        if (addBos) chars = IntStream.concat(IntStream.of(1), chars);
        if (addEos) chars = IntStream.concat(chars, IntStream.of(2));
        return chars.toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(piece(id));
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return 40;
    }

    @Override
    public int bosId() {
        return 1;
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

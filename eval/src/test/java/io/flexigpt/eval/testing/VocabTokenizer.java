package io.flexigpt.eval.testing;

import io.flexigpt.nn.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny tokenizer for tests: id 0 is BOS, id 1 is EOS, then the given pieces; text is split by
 * greedy longest match, so a multi-character piece such as " b" merges like a BPE merge would.
 */
public final class VocabTokenizer implements Tokenizer {
    public static final int BOS = 0;
    public static final int EOS = 1;
    private final List<String> pieces = new ArrayList<>(List.of("<s>", "</s>"));

    public VocabTokenizer(List<String> pieces) {
        this.pieces.addAll(pieces);
    }

    /** One piece per character of {@code alphabet}. */
    public static VocabTokenizer chars(String alphabet) {
        return new VocabTokenizer(
                alphabet.codePoints().mapToObj(Character::toString).toList());
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        List<Integer> ids = new ArrayList<>();
        if (addBos) {
            ids.add(BOS);
        }
        for (int at = 0; at < text.length(); ) {
            int best = -1;
            for (int id = 2; id < pieces.size(); id++) {
                if (text.startsWith(pieces.get(id), at)
                        && (best < 0
                                || pieces.get(id).length() > pieces.get(best).length())) {
                    best = id;
                }
            }
            if (best < 0) {
                throw new IllegalArgumentException("cannot encode '" + text.charAt(at) + "'");
            }
            ids.add(best);
            at += pieces.get(best).length();
        }
        if (addEos) {
            ids.add(EOS);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            if (id >= 2) {
                text.append(pieces.get(id));
            }
        }
        return text.toString();
    }

    @Override
    public String piece(int id) {
        return pieces.get(id);
    }

    @Override
    public byte[] tokenBytes(int previousId, int id) {
        return id < 2 ? new byte[0] : pieces.get(id).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }
}

package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A vocabulary as GGUF's {@code tokenizer.ggml.*} keys hold it, following llama.cpp's conventions: model
 * {@code "llama"} (SentencePiece style: '▁' for space, {@code <0xNN>} byte tokens, merging by score) or
 * {@code "gpt2"} (byte-level BPE with {@code merges}, highest priority first, split first by the pre-tokenizer
 * llama.cpp knows as {@code pre}); token types 1 normal, 2 unknown, 3 control, 4 user-defined (an added token
 * that is not special), 5 unused (padding up to the model's vocabulary), 6 byte. {@code unk} is -1 when there
 * is no unknown token.
 */
public record GgufVocabulary(
        String model,
        List<String> tokens,
        float[] scores,
        int[] tokenTypes,
        List<String> merges,
        String pre,
        int bos,
        int eos,
        int unk,
        boolean addBos) {
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    /**
     * The vocabulary of {@code tokenizer}, padded with unused {@code [PADn]} tokens to {@code modelVocab}. A
     * score-merging tokenizer (llama2.c {@code tokenizer.bin}, a GGUF "llama" vocabulary) is written directly;
     * any other needs the {@code tokenizer.json} it was read from ({@code tokenizerJson}, may be null otherwise).
     */
    public static GgufVocabulary of(Tokenizer tokenizer, Path tokenizerJson, int modelVocab) throws IOException {
        if (tokenizer.vocabSize() > modelVocab)
            throw new IllegalArgumentException(
                    "the tokenizer has " + tokenizer.vocabSize() + " tokens, the model " + modelVocab);
        GgufVocabulary v;
        if (tokenizer instanceof Llama2cTokenizer t) {
            v = scored(t);
        } else if (tokenizerJson != null) {
            v = fromTokenizerJson(tokenizerJson, tokenizer);
        } else {
            throw new IllegalArgumentException("a GGUF vocabulary of a "
                    + tokenizer.getClass().getSimpleName() + " needs the tokenizer.json it was read from");
        }
        return v.padded(modelVocab);
    }

    private static GgufVocabulary scored(Llama2cTokenizer t) {
        int n = t.vocabSize(), bos = t.bosId(), eos = t.eosId();
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        int unk = -1, notBos = bos == 0 ? 1 : 0;
        for (int i = 0; i < n; i++) {
            boolean control = t.tokenBytes(notBos, i).length == 0;
            // llama2.c's tokenizer.bin stores spaces as ' ' and BOS/EOS as "\n<s>\n", "\n</s>\n"
            String piece = control ? t.piece(i).strip() : t.piece(i);
            tokens.add(piece.replace(' ', '\u2581'));
            scores[i] = t.score(i);
            if (control && piece.equals("<unk>") && unk < 0) {
                types[i] = UNKNOWN;
                unk = i;
            } else if (control) {
                types[i] = CONTROL;
            } else {
                types[i] = isByteToken(piece) ? BYTE : NORMAL;
            }
        }
        return new GgufVocabulary("llama", tokens, scores, types, null, null, bos, eos, Math.max(unk, 0), bos >= 0);
    }

    private static boolean isByteToken(String piece) {
        return piece.length() == 6
                && piece.startsWith("<0x")
                && piece.endsWith(">")
                && Character.digit(piece.charAt(3), 16) >= 0
                && Character.digit(piece.charAt(4), 16) >= 0;
    }

    /**
     * A BPE {@code tokenizer.json}: byte-level ones (a ByteLevel pre-tokenizer or decoder) become "gpt2" with
     * their merges; SentencePiece-like ones become "llama", each token scored minus the rank of the first
     * merge that makes it (tokens no merge makes score below every merge), so that score-greedy merging
     * applies the merges in rank order as the BPE model does. Gaps in the ids become unused {@code [PADi]} tokens.
     */
    static GgufVocabulary fromTokenizerJson(Path file, Tokenizer tokenizer) throws IOException {
        String src = file.toString();
        Map<String, Object> root = Json.object(Json.parse(HfCheckpoint.readUtf8(file), src), "the top level", src);
        Map<String, Object> model = Json.getObject(root, "model", src);
        String type = Json.optString(model, "type", "BPE", src);
        if (!type.equals("BPE"))
            throw new FormatException(file + ": model type '" + type + "': only BPE tokenizers can be written to GGUF");
        Map<String, Object> vocab = Json.getObject(model, "vocab", src);
        int n = tokenizer.vocabSize();
        String[] pieces = new String[n];
        for (Map.Entry<String, Object> e : vocab.entrySet()) put(file, pieces, e.getKey(), e.getValue());
        boolean[] special = new boolean[n], added = new boolean[n];
        if (root.get("added_tokens") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> a = Json.object(o, "added token", src);
                int id = put(file, pieces, Json.getString(a, "content", src), a.get("id"));
                special[id] = Json.optBoolean(a, "special", false, src);
                added[id] = true;
            }
        }
        List<String> merges = new ArrayList<>();
        for (Object m : Json.getList(model, "merges", src)) {
            if (m instanceof String s) merges.add(s);
            else if (m instanceof List<?> pair && pair.size() == 2) merges.add(pair.get(0) + " " + pair.get(1));
            else throw new FormatException(file + ": merge " + m + " is neither \"a b\" nor [\"a\", \"b\"]");
        }
        String unkToken = model.get("unk_token") instanceof String s ? s : null;
        int[] types = new int[n];
        int unk = -1;
        for (int i = 0; i < n; i++) {
            if (pieces[i] == null) { // a gap in the ids: an unused placeholder, as llama.cpp's converter writes it
                pieces[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
            } else if (pieces[i].equals(unkToken)) {
                types[i] = UNKNOWN;
                unk = i;
            } else if (special[i] || i == tokenizer.bosId() || i == tokenizer.eosId()) {
                types[i] = CONTROL;
            } else if (added[i]) {
                types[i] = USER_DEFINED;
            } else {
                types[i] = isByteToken(pieces[i]) ? BYTE : NORMAL;
            }
        }
        List<String> tokens = Arrays.asList(pieces);
        boolean addBos = tokenizer.addsBos();
        if (mentionsByteLevel(root.get("pre_tokenizer")) || mentionsByteLevel(root.get("decoder"))) {
            String pre = Tokenizers.ggufPreName(root);
            if (pre == null) {
                throw new FormatException(
                        file + ": its normalizer / pre-tokenizer " + Json.write(root.get("pre_tokenizer"))
                                + " is none that llama.cpp names in tokenizer.ggml.pre, so a GGUF of it would split text differently");
            }
            for (int i = 0; i < n; i++) if (types[i] == BYTE) types[i] = NORMAL;
            return new GgufVocabulary(
                    "gpt2", tokens, null, types, merges, pre, tokenizer.bosId(), tokenizer.eosId(), unk, addBos);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) ids.putIfAbsent(pieces[i], i);
        float[] scores = new float[n];
        Arrays.fill(scores, Float.NaN);
        for (int r = 0; r < merges.size(); r++) {
            String m = merges.get(r);
            int space = m.indexOf(' ');
            Integer id = space < 0 ? null : ids.get(m.substring(0, space) + m.substring(space + 1));
            if (id == null)
                throw new FormatException(file + ": merge " + r + " '" + m + "' makes no token of the vocabulary");
            if (Float.isNaN(scores[id])) scores[id] = -r;
        }
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(scores[i]))
                scores[i] = types[i] == NORMAL ? -(float) merges.size() - i : types[i] == UNUSED ? -1e9f : 0f;
        }
        return new GgufVocabulary(
                "llama",
                tokens,
                scores,
                types,
                null,
                null,
                tokenizer.bosId(),
                tokenizer.eosId(),
                Math.max(unk, 0),
                addBos);
    }

    /** Whether a pre-tokenizer or decoder node is, or contains, one of type ByteLevel. */
    private static boolean mentionsByteLevel(Object node) {
        if (node instanceof Map<?, ?> m) {
            if ("ByteLevel".equals(m.get("type"))) return true;
            for (Object v : m.values()) if (mentionsByteLevel(v)) return true;
        } else if (node instanceof List<?> l) {
            for (Object v : l) if (mentionsByteLevel(v)) return true;
        }
        return false;
    }

    private static int put(Path file, String[] pieces, String piece, Object idValue) throws FormatException {
        if (!(idValue instanceof Number num) || num.longValue() < 0 || num.longValue() >= pieces.length) {
            throw new FormatException(file + ": token '" + piece + "' has id " + idValue + ", outside the tokenizer's "
                    + pieces.length + " ids");
        }
        int id = num.intValue();
        if (pieces[id] != null && !pieces[id].equals(piece))
            throw new FormatException(file + ": id " + id + " names both '" + pieces[id] + "' and '" + piece + "'");
        pieces[id] = piece;
        return id;
    }

    /** This vocabulary with unused {@code [PADi]} tokens appended up to {@code size} ids. */
    GgufVocabulary padded(int size) {
        int n = tokens.size();
        if (n == size) return this;
        List<String> t = new ArrayList<>(tokens);
        for (int i = n; i < size; i++) t.add("[PAD" + i + "]");
        int[] types = Arrays.copyOf(tokenTypes, size);
        Arrays.fill(types, n, size, UNUSED);
        float[] s = scores == null ? null : Arrays.copyOf(scores, size);
        if (s != null) Arrays.fill(s, n, size, -1e9f);
        return new GgufVocabulary(model, t, s, types, merges, pre, bos, eos, unk, addBos);
    }
}

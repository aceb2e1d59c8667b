package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a tokenizer from GGUF {@code tokenizer.ggml.*} metadata as llama.cpp reads it: {@code model}
 * "llama" (SentencePiece-style, score-greedy) or "gpt2" (byte-level BPE over {@code merges}), the
 * byte-level pre-tokenizer named by {@code pre}, the declared BOS / EOS / end-of-turn ids and
 * {@code add_bos_token}. Empty token texts (which llama.cpp renames) never match text.
 */
final class GgufVocabulary {
    private GgufVocabulary() {}

    /** Token type of GGUF: 3 = control, 4 = user-defined. */
    private static final int CONTROL = 3, USER_DEFINED = 4;

    /** Texts of control tokens that end a turn, which llama.cpp adds to its end-of-generation set. */
    private static final Set<String> END_OF_GENERATION = Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<end_of_turn>",
            "<|endoftext|>",
            "<|eom_id|>",
            "<EOT>",
            "<|end_of_text|>");

    /**
     * The {@code tokenizer.ggml.pre} name for a byte-level {@code tokenizer.json} ({@code root}: the parsed file):
     * its pre-tokenizer is a ByteLevel step (with GPT-2's split) or a Sequence of Isolated regex Splits ending in one,
     * and it has no normalizer or only NFC (which llama.cpp's converter drops too: text already in NFC, as most is,
     * splits the same); null when llama.cpp has no pre-tokenizer that splits as it does.
     */
    static String preName(Map<String, Object> root) {
        Object normalizer = root.get("normalizer");
        if (normalizer != null && !(normalizer instanceof Map<?, ?> n && "NFC".equals(n.get("type")))) return null;
        if (!(root.get("model") instanceof Map<?, ?> model)) return null;
        List<?> steps = root.get("pre_tokenizer") instanceof Map<?, ?> pre
                        && "Sequence".equals(pre.get("type"))
                        && pre.get("pretokenizers") instanceof List<?> l
                ? l
                : java.util.Collections.singletonList(root.get("pre_tokenizer"));
        List<String> splits = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) instanceof Map<?, ?> step)) return null;
            boolean last = i == steps.size() - 1;
            if (!last
                    && "Split".equals(step.get("type"))
                    && "Isolated".equals(step.get("behavior"))
                    && !Boolean.TRUE.equals(step.get("invert"))
                    && step.get("pattern") instanceof Map<?, ?> p
                    && p.get("Regex") instanceof String regex) {
                splits.add(regex);
            } else if (last
                    && "ByteLevel".equals(step.get("type"))
                    && !Boolean.TRUE.equals(step.get("add_prefix_space"))) {
                if (!Boolean.FALSE.equals(step.get("use_regex"))) splits.add(LlamaCppPreTokenizers.GPT2);
            } else {
                return null;
            }
        }
        return LlamaCppPreTokenizers.nameOf(splits, Boolean.TRUE.equals(model.get("ignore_merges")));
    }

    static Tokenizer read(Map<String, Object> m) throws FormatException {
        if (!(m.get("tokenizer.ggml.tokens") instanceof List<?> tokens)) return null;
        String model = optString(m, "tokenizer.ggml.model", "llama");
        List<String> pieces = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (!(tokens.get(i) instanceof String s))
                throw new FormatException("tokenizer.ggml.tokens[" + i + "] is not a string");
            pieces.add(s);
        }
        int n = pieces.size();
        float[] scores = null;
        if (m.get("tokenizer.ggml.scores") instanceof List<?> s) {
            if (s.size() != n)
                throw new FormatException("tokenizer.ggml.scores has " + s.size() + " entries for " + n + " tokens");
            scores = new float[n];
            for (int i = 0; i < n; i++) {
                if (!(s.get(i) instanceof Number x) || !Double.isFinite(x.doubleValue()))
                    throw new FormatException("tokenizer.ggml.scores[" + i + "] is not a finite number");
                scores[i] = x.floatValue();
            }
        }
        int[] types = null;
        if (m.get("tokenizer.ggml.token_type") instanceof List<?> t) {
            if (t.size() != n)
                throw new FormatException(
                        "tokenizer.ggml.token_type has " + t.size() + " entries for " + n + " tokens");
            types = new int[n];
            for (int i = 0; i < n; i++) {
                if (!(t.get(i) instanceof Long x))
                    throw new FormatException("tokenizer.ggml.token_type[" + i + "] is not an integer");
                types[i] = (int) (long) x;
            }
        }
        boolean llama = model.equals("llama");
        if (!llama && !model.equals("gpt2"))
            throw new FormatException("tokenizer.ggml.model '" + model + "' is not supported (llama, gpt2)");
        LlamaCppPreTokenizers.Pre pre =
                llama ? null : LlamaCppPreTokenizers.forGguf(optString(m, "tokenizer.ggml.pre", null));
        int bos = id(m, "tokenizer.ggml.bos_token_id", llama ? 1 : -1, n);
        Set<Integer> ends = new LinkedHashSet<>();
        for (String key :
                List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int id = id(m, key, key.endsWith("eos_token_id") && llama ? 2 : -1, n);
            if (id >= 0) ends.add(id);
        }
        for (int i = 0; types != null && i < n; i++) {
            if ((types[i] == CONTROL || types[i] == USER_DEFINED) && END_OF_GENERATION.contains(pieces.get(i)))
                ends.add(i);
        }
        int[] eosIds = ends.stream().mapToInt(Integer::intValue).toArray();
        Object addBosValue = m.get("tokenizer.ggml.add_bos_token");
        if (addBosValue != null && !(addBosValue instanceof Boolean))
            throw new FormatException("tokenizer.ggml.add_bos_token is not a boolean");
        boolean addBos = addBosValue != null ? (Boolean) addBosValue : llama || pre.addBos();
        if (llama) {
            int unk = id(m, "tokenizer.ggml.unknown_token_id", firstOfType(types, 2), n);
            return Llama2cTokenizer.fromPieces(
                    pieces, scores == null ? new float[n] : scores, types, bos, eosIds, unk, addBos);
        }
        if (!(m.get("tokenizer.ggml.merges") instanceof List<?> rawMerges))
            throw new FormatException("tokenizer.ggml.merges is required for tokenizer.ggml.model gpt2");
        List<String> merges = new ArrayList<>(rawMerges.size());
        for (int i = 0; i < rawMerges.size(); i++) {
            if (!(rawMerges.get(i) instanceof String s))
                throw new FormatException("tokenizer.ggml.merges[" + i + "] is not a string");
            merges.add(s);
        }
        List<Pattern> splits = new ArrayList<>();
        for (String regex : pre.splits()) splits.add(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
        return HfTokenizerReader.byteLevel(pieces, merges, types, bos, eosIds, addBos, splits, pre.ignoreMerges());
    }

    private static int firstOfType(int[] types, int type) {
        for (int i = 0; types != null && i < types.length; i++) if (types[i] == type) return i;
        return 0;
    }

    private static String optString(Map<String, Object> m, String key, String fallback) throws FormatException {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (!(v instanceof String s)) throw new FormatException(key + " is not a string");
        return s;
    }

    private static int id(Map<String, Object> m, String key, int fallback, int n) throws FormatException {
        Object v = m.get(key);
        if (v == null) return fallback < n ? fallback : -1;
        if (!(v instanceof Long id) || id < 0 || id >= n)
            throw new FormatException(key + " = " + v + " is not a token id of the vocabulary of " + n);
        return (int) (long) id;
    }
}

package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds an {@link HfTokenizer} from {@code tokenizer.json}; errors name the file and the JSON path. */
final class HfTokenizerReader {
    private static final List<String> BOS_NAMES = List.of("<s>", "<|begin_of_text|>", "<bos>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>");

    /** Token ids must be below this: the largest vocabulary a Llama model can have ({@code LlamaConfig}'s limit). */
    static final int MAX_IDS = 1 << 22;

    private final String source;
    private final Map<String, Integer> vocab = new HashMap<>();
    private final Map<String, Integer> added = new LinkedHashMap<>();
    private final List<AddedTokens.Token> addedTokens = new ArrayList<>();
    private final List<Integer> specialIds = new ArrayList<>();
    private final List<Decoder> fullDecoder = new ArrayList<>(), tokenDecoder = new ArrayList<>();
    private boolean byteLevelDecoder, byteFallbackDecoder, stripsLeadingSpace;

    private HfTokenizerReader(String source) {
        this.source = source;
    }

    static HfTokenizer read(Path file) throws IOException {
        TokenizerConfig config = TokenizerConfig.near(file);
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file + ": not UTF-8 text; expected a tokenizer.json", e);
        }
        return new HfTokenizerReader(file.toString())
                .build(Json.object(Json.parse(text, file.toString()), "the top level", file.toString()), config);
    }

    /**
     * A byte-level BPE from a GGUF vocabulary: {@code splits} are the pre-tokenizer's regular expressions,
     * applied in turn (each match isolated), before the bytes are written in the byte-level alphabet.
     */
    static HfTokenizer byteLevel(
            List<String> pieces,
            List<String> merges,
            int[] tokenTypes,
            int bos,
            int[] eosIds,
            boolean addsBos,
            List<Pattern> splits,
            boolean ignoreMerges)
            throws FormatException {
        HfTokenizerReader r = new HfTokenizerReader("GGUF vocabulary");
        for (int i = 0; i < pieces.size(); i++) {
            r.vocab.putIfAbsent(pieces.get(i), i);
            int type = tokenTypes == null ? 1 : tokenTypes[i];
            if ((type == 3 || type == 4) && r.added.putIfAbsent(pieces.get(i), i) == null) {
                r.addedTokens.add(new AddedTokens.Token(pieces.get(i), i, false, false, false));
            }
            if (type == 3 || type == 5) r.specialIds.add(i);
        }
        List<Object> mergeList = new ArrayList<>(merges);
        r.fullDecoder.add(Decoder.byteLevel());
        r.byteLevelDecoder = true;
        String[] vocabPieces = pieces.toArray(new String[0]);
        RankedBpe model =
                new RankedBpe(r.vocab, r.merges(mergeList, "tokenizer.ggml.merges"), -1, false, false, ignoreMerges);
        List<PreTokenizer> steps = new ArrayList<>();
        for (Pattern p : splits) steps.add(PreTokenizer.split(p, "Isolated"));
        steps.add(PreTokenizer.byteLevel(false, false));
        return r.assemble(
                vocabPieces, UnaryOperator.identity(), PreTokenizer.sequence(steps), model, bos, eosIds, addsBos);
    }

    private HfTokenizer build(Map<String, Object> root, TokenizerConfig config) throws FormatException {
        Map<String, Object> model = object(root.get("model"), "$.model");
        String type = Json.optString(model, "type", model.containsKey("merges") ? "BPE" : null, at("$.model"));
        if (!"BPE".equals(type))
            throw error("$.model.type", "model type " + type + " is not supported; expected \"BPE\"");
        Object dropout = model.get("dropout");
        if (dropout instanceof Number && ((Number) dropout).doubleValue() != 0)
            throw error("$.model.dropout", "BPE dropout is not supported; expected null");
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            String value = Json.optString(model, affix, "", at("$.model"));
            if (!value.isEmpty()) throw error("$.model." + affix, "'" + value + "' is not supported; expected null");
        }
        for (Map.Entry<String, Object> e :
                object(model.get("vocab"), "$.model.vocab").entrySet()) {
            vocab.put(e.getKey(), id(e.getValue(), "$.model.vocab[" + Json.write(e.getKey()) + "]"));
        }
        List<Object> rawAdded =
                root.get("added_tokens") == null ? List.of() : list(root.get("added_tokens"), "$.added_tokens");
        for (int i = 0; i < rawAdded.size(); i++) {
            String path = "$.added_tokens[" + i + "]";
            Map<String, Object> t = object(rawAdded.get(i), path);
            String content = Json.getString(t, "content", at(path));
            int id = id(Json.require(t, "id", at(path)), path + ".id");
            vocab.put(content, id);
            added.put(content, id);
            addedTokens.add(new AddedTokens.Token(
                    content,
                    id,
                    Json.optBoolean(t, "lstrip", false, at(path)),
                    Json.optBoolean(t, "rstrip", false, at(path)),
                    Json.optBoolean(t, "single_word", false, at(path))));
            if (Json.optBoolean(t, "special", false, at(path))) specialIds.add(id);
        }
        for (TokenizerConfig.AddedToken t : config.addedTokens()) {
            if (added.containsKey(t.content())) continue;
            vocab.put(t.content(), t.id());
            added.put(t.content(), t.id());
            addedTokens.add(new AddedTokens.Token(t.content(), t.id(), t.lstrip(), t.rstrip(), t.singleWord()));
            if (t.special()) specialIds.add(t.id());
        }
        String[] pieces = pieces("$.model.vocab");
        String unkToken = Json.optString(model, "unk_token", null, at("$.model"));
        Integer unk = unkToken == null ? Integer.valueOf(-1) : vocab.get(unkToken);
        if (unk == null) throw error("$.model.unk_token", "'" + unkToken + "' is not in the vocabulary");
        RankedBpe bpe = new RankedBpe(
                vocab,
                merges(list(Json.require(model, "merges", at("$.model")), "$.model.merges"), "$.model.merges"),
                unk,
                Json.optBoolean(model, "byte_fallback", false, at("$.model")),
                Json.optBoolean(model, "fuse_unk", false, at("$.model")),
                Json.optBoolean(model, "ignore_merges", false, at("$.model")));
        UnaryOperator<String> normalizer = normalizer(root.get("normalizer"), "$.normalizer");
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer"), "$.pre_tokenizer");
        decoder(root.get("decoder"), "$.decoder");
        int[] template = template(root.get("post_processor"));
        int bos = template[0] >= 0 ? template[0] : firstKnown(BOS_NAMES),
                eos = template[1] >= 0 ? template[1] : firstKnown(EOS_NAMES);
        boolean addsBos = template[0] >= 0;
        if (config.bosSet()) bos = configuredId(config.bosToken(), "bos_token");
        else if (template[0] < 0 && config.generationBos() != null) bos = config.generationBos();
        if (config.eosSet()) eos = configuredId(config.eosToken(), "eos_token");
        if (config.addBos() != null) addsBos = config.addBos();
        for (String name : config.extraSpecial()) specialIds.add(configuredId(name, "additional_special_tokens"));
        List<Integer> eosIds = new ArrayList<>();
        if (eos >= 0) eosIds.add(eos);
        for (int id : config.generationEos()) if (!eosIds.contains(id)) eosIds.add(id);
        for (int id : eosIds) {
            if (id >= pieces.length)
                throw new FormatException(source + ": generation_config.json next to it: eos_token_id " + id
                        + " is outside the vocabulary of " + pieces.length);
        }
        if (bos >= pieces.length)
            throw new FormatException(source + ": generation_config.json next to it: bos_token_id " + bos
                    + " is outside the vocabulary of " + pieces.length);
        return assemble(
                pieces,
                normalizer,
                preTokenizer,
                bpe,
                bos,
                eosIds.stream().mapToInt(Integer::intValue).toArray(),
                addsBos);
    }

    /** The id of a token that tokenizer_config.json names, -1 for null. */
    private int configuredId(String token, String key) throws FormatException {
        if (token == null) return -1;
        Integer id = vocab.get(token);
        if (id == null)
            throw new FormatException(source + ": tokenizer_config.json next to it names " + key + " '" + token
                    + "', which is not in the vocabulary");
        return id;
    }

    private HfTokenizer assemble(
            String[] pieces,
            UnaryOperator<String> normalizer,
            PreTokenizer preTokenizer,
            RankedBpe model,
            int bos,
            int[] eosIds,
            boolean addsBos) {
        boolean[] special = new boolean[pieces.length];
        for (int id : specialIds) special[id] = true;
        if (bos >= 0) special[bos] = true;
        for (int id : eosIds) special[id] = true;
        HfTokenizer.TokenDecoding tokenDecoding = new HfTokenizer.TokenDecoding(
                byteLevelDecoder, byteFallbackDecoder, Decoder.sequence(tokenDecoder), stripsLeadingSpace);
        return new HfTokenizer(
                pieces,
                special,
                new AddedTokens(addedTokens),
                normalizer,
                preTokenizer,
                model,
                Decoder.sequence(fullDecoder),
                tokenDecoding,
                bos,
                eosIds,
                addsBos);
    }

    /**
     * The pieces by id, null where no token has the id: like the Hugging Face library, the vocabulary may have
     * gaps (ids that encoding never produces and decoding skips), e.g. added tokens placed after a reserved range.
     * Ids are bounded by the largest vocabulary a model can have (checked before allocating).
     */
    private String[] pieces(String path) throws FormatException {
        int size = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() >= MAX_IDS) {
                throw error(
                        path,
                        "token " + Json.write(e.getKey()) + " has id " + e.getValue() + "; ids must be below " + MAX_IDS
                                + ", the largest vocabulary a model can have");
            }
            size = Math.max(size, e.getValue() + 1);
        }
        String[] pieces = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (pieces[e.getValue()] == null || added.containsKey(e.getKey())) pieces[e.getValue()] = e.getKey();
        }
        return pieces;
    }

    private int[][] merges(List<Object> raw, String path) throws FormatException {
        int[][] merges = new int[raw.size()][];
        for (int r = 0; r < merges.length; r++) {
            String p = path + "[" + r + "]";
            Object m = raw.get(r);
            String left, right;
            if (m instanceof String s && s.indexOf(' ', 1) > 0) {
                int space = s.indexOf(' ', 1);
                left = s.substring(0, space);
                right = s.substring(space + 1);
            } else if (m instanceof List<?> pair
                    && pair.size() == 2
                    && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                left = a;
                right = b;
            } else {
                throw error(p, "expected a merge as \"left right\" or [\"left\", \"right\"], found " + describe(m));
            }
            Integer a = vocab.get(left), b = vocab.get(right), merged = vocab.get(left + right);
            if (a == null || b == null || merged == null) {
                throw error(
                        p,
                        "merge of '" + left + "' and '" + right + "' needs '"
                                + (a == null ? left : b == null ? right : left + right) + "' in the vocabulary");
            }
            merges[r] = new int[] {a, b, merged};
        }
        return merges;
    }

    private UnaryOperator<String> normalizer(Object node, String path) throws FormatException {
        if (node == null) return UnaryOperator.identity();
        Map<String, Object> n = object(node, path);
        String type = Json.getString(n, "type", at(path));
        switch (type) {
            case "Sequence": {
                List<Object> steps = list(Json.require(n, "normalizers", at(path)), path + ".normalizers");
                List<UnaryOperator<String>> ops = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++)
                    ops.add(normalizer(steps.get(i), path + ".normalizers[" + i + "]"));
                return s -> {
                    for (UnaryOperator<String> op : ops) s = op.apply(s);
                    return s;
                };
            }
            case "Prepend": {
                String prefix = Json.getString(n, "prepend", at(path));
                return s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace": {
                Pattern pattern = pattern(n, path);
                String content = Json.getString(n, "content", at(path));
                return s -> pattern.matcher(s).replaceAll(Matcher.quoteReplacement(content));
            }
            case "NFC":
                return s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD":
                return s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC":
                return s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD":
                return s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase":
                return s -> s.toLowerCase(Locale.ROOT);
            default:
                throw error(
                        path + ".type",
                        "normalizer " + type
                                + " is not supported (Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase)");
        }
    }

    private PreTokenizer preTokenizer(Object node, String path) throws FormatException {
        if (node == null) return PreTokenizer.NONE;
        Map<String, Object> n = object(node, path);
        String type = Json.getString(n, "type", at(path));
        switch (type) {
            case "Sequence": {
                List<Object> steps = list(Json.require(n, "pretokenizers", at(path)), path + ".pretokenizers");
                List<PreTokenizer> parts = new ArrayList<>();
                for (int i = 0; i < steps.size(); i++)
                    parts.add(preTokenizer(steps.get(i), path + ".pretokenizers[" + i + "]"));
                return PreTokenizer.sequence(parts);
            }
            case "Metaspace": {
                String scheme = prependScheme(n, path);
                return PreTokenizer.metaspace(
                        replacement(n, path),
                        scheme.equals("always"),
                        scheme.equals("first"),
                        Json.optBoolean(n, "split", true, at(path)));
            }
            case "ByteLevel":
                return PreTokenizer.byteLevel(
                        Json.optBoolean(n, "add_prefix_space", false, at(path)),
                        Json.optBoolean(n, "use_regex", true, at(path)));
            case "Split": {
                String behavior = Json.getString(n, "behavior", at(path));
                if (!List.of("Isolated", "Removed", "MergedWithPrevious", "MergedWithNext")
                        .contains(behavior)) {
                    throw error(
                            path + ".behavior",
                            "Split behavior " + behavior
                                    + " is not supported (Isolated, Removed, MergedWithPrevious, MergedWithNext)");
                }
                if (Json.optBoolean(n, "invert", false, at(path)))
                    throw error(path + ".invert", "inverted Split is not supported");
                return PreTokenizer.split(pattern(n, path), behavior);
            }
            default:
                throw error(
                        path + ".type",
                        "pre-tokenizer " + type + " is not supported (Sequence, Metaspace, ByteLevel, Split)");
        }
    }

    private void decoder(Object node, String path) throws FormatException {
        if (node == null) return;
        Map<String, Object> n = object(node, path);
        String type = Json.getString(n, "type", at(path));
        switch (type) {
            case "Sequence" -> {
                List<Object> steps = list(Json.require(n, "decoders", at(path)), path + ".decoders");
                for (int i = 0; i < steps.size(); i++) decoder(steps.get(i), path + ".decoders[" + i + "]");
            }
            case "Replace" -> {
                Map<String, Object> p = object(Json.require(n, "pattern", at(path)), path + ".pattern");
                if (!p.containsKey("String"))
                    throw error(path + ".pattern", "only a String pattern is supported in decoders");
                Decoder step = Decoder.replace(
                        Json.getString(p, "String", at(path + ".pattern")), Json.getString(n, "content", at(path)));
                fullDecoder.add(step);
                tokenDecoder.add(step);
            }
            case "ByteFallback" -> {
                fullDecoder.add(Decoder.byteFallback());
                byteFallbackDecoder = true;
            }
            case "Fuse" -> fullDecoder.add(Decoder.fuse());
            case "Strip" -> {
                String content = Json.getString(n, "content", at(path));
                if (content.length() != 1) throw error(path + ".content", "expected one character");
                int start = Json.getInt(n, "start", at(path)), stop = Json.getInt(n, "stop", at(path));
                fullDecoder.add(Decoder.strip(content.charAt(0), start, stop));
                tokenDecoder.add(Decoder.strip(content.charAt(0), 0, stop));
                stripsLeadingSpace |= start > 0 && content.charAt(0) == ' ';
            }
            case "ByteLevel" -> {
                fullDecoder.add(Decoder.byteLevel());
                byteLevelDecoder = true;
            }
            case "Metaspace" -> {
                char replacement = replacement(n, path);
                boolean prepended = !prependScheme(n, path).equals("never");
                fullDecoder.add(Decoder.metaspace(replacement, prepended));
                tokenDecoder.add(Decoder.metaspace(replacement, false));
                stripsLeadingSpace |= prepended;
            }
            default ->
                throw error(
                        path + ".type",
                        "decoder " + type
                                + " is not supported (Sequence, Replace, ByteFallback, Fuse, Strip, ByteLevel, Metaspace)");
        }
    }

    /**
     * BOS and EOS from a TemplateProcessing post-processor (alone or in a Sequence of processors): the special
     * tokens before and after the sequence.
     */
    private int[] template(Object node) throws FormatException {
        int[] ids = {-1, -1};
        if (node instanceof Map<?, ?> n
                && "Sequence".equals(n.get("type"))
                && n.get("processors") instanceof List<?> steps) {
            for (Object step : steps) {
                int[] found = template(step);
                if (found[0] >= 0 || found[1] >= 0) return found;
            }
            return ids;
        }
        if (!(node instanceof Map<?, ?> n)
                || !"TemplateProcessing".equals(n.get("type"))
                || !(n.get("single") instanceof List<?> single)) return ids;
        boolean seenSequence = false;
        for (int i = 0; i < single.size(); i++) {
            Object item = single.get(i);
            if (item instanceof Map<?, ?> m && m.get("Sequence") != null) seenSequence = true;
            if (item instanceof Map<?, ?> m
                    && m.get("SpecialToken") instanceof Map<?, ?> t
                    && t.get("id") instanceof String name) {
                Integer id = vocab.get(name);
                if (id == null)
                    throw error(
                            "$.post_processor.single[" + i + "]",
                            "special token '" + name + "' is not in the vocabulary");
                if (seenSequence) {
                    if (ids[1] < 0) ids[1] = id;
                } else {
                    ids[0] = id;
                }
            }
        }
        return ids;
    }

    /** The first of {@code names} that is an added token (an ordinary vocabulary entry such as Qwen's "<s>" is text, not BOS). */
    private int firstKnown(List<String> names) {
        for (String name : names) if (added.containsKey(name)) return added.get(name);
        return -1;
    }

    private String prependScheme(Map<String, Object> n, String path) throws FormatException {
        if (n.containsKey("prepend_scheme")) {
            String scheme = Json.getString(n, "prepend_scheme", at(path));
            if (!List.of("always", "first", "never").contains(scheme))
                throw error(path + ".prepend_scheme", "expected always, first or never, found " + scheme);
            return scheme;
        }
        return Json.optBoolean(n, "add_prefix_space", true, at(path)) ? "always" : "never";
    }

    private char replacement(Map<String, Object> n, String path) throws FormatException {
        String r = Json.optString(n, "replacement", "\u2581", at(path));
        if (r.length() != 1) throw error(path + ".replacement", "expected one character, found '" + r + "'");
        return r.charAt(0);
    }

    private Pattern pattern(Map<String, Object> n, String path) throws FormatException {
        Map<String, Object> p = object(Json.require(n, "pattern", at(path)), path + ".pattern");
        if (p.get("String") instanceof String s) return Pattern.compile(Pattern.quote(s));
        if (p.get("Regex") instanceof String regex) {
            try {
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw error(path + ".pattern.Regex", "invalid regular expression: " + e.getDescription());
            }
        }
        throw error(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    private int id(Object value, String path) throws FormatException {
        if (value instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return (int) (long) l;
        throw error(path, "expected a non-negative integer id, found " + describe(value));
    }

    private Map<String, Object> object(Object value, String path) throws FormatException {
        if (value instanceof Map) return Json.object(value, "", source);
        throw error(path, "expected a JSON object, found " + describe(value));
    }

    private List<Object> list(Object value, String path) throws FormatException {
        if (value instanceof List) return Json.list(value, "", source);
        throw error(path, "expected a JSON array, found " + describe(value));
    }

    private static String describe(Object value) {
        String json = Json.write(value);
        return json.length() <= 40 ? json : json.substring(0, 37) + "...";
    }

    private String at(String path) {
        return source + ": JSON path " + path;
    }

    private FormatException error(String path, String what) {
        return new FormatException(at(path) + ": " + what);
    }
}

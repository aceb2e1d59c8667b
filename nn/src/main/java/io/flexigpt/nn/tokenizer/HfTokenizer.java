package io.flexigpt.nn.tokenizer;

import io.flexigpt.tensor.io.FormatException;
import io.flexigpt.tensor.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model, in one of its two common styles:
 * SentencePiece-like (Llama: the normalizer prepends '▁' and replaces spaces by '▁', unknown characters
 * fall back to {@code <0xNN>} byte tokens) or GPT-2 byte-level (text split by the GPT-2 pattern, bytes
 * mapped to printable characters). Merges apply lowest rank first; added special tokens are matched
 * verbatim before the model sees the text.
 */
public final class HfTokenizer implements Tokenizer {
    private static final Pattern GPT2_SPLIT = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private final Map<String, Integer> vocab;
    private final String[] pieces;
    private final Map<Long, Integer> mergeRank = new HashMap<>();
    private final List<String> specialTokens = new ArrayList<>();
    private final boolean[] special;
    private final boolean byteLevel, byteFallback, prependSpace;
    private final int unk, bos, eos;
    private final char[] byteToChar = new char[256];
    private final Map<Character, Integer> charToByte = new HashMap<>();

    private HfTokenizer(Map<String, Integer> vocab, List<String[]> merges, List<String> specials, boolean byteLevel, boolean byteFallback,
                        boolean prependSpace, String unkToken, String source) throws FormatException {
        this.vocab = vocab;
        int size = 0;
        for (int id : vocab.values()) size = Math.max(size, id + 1);
        pieces = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) pieces[e.getValue()] = e.getKey();
        for (int i = 0; i < size; i++) if (pieces[i] == null) throw new FormatException(source + ": vocabulary has no token with id " + i);
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]);
            if (a == null || b == null || !vocab.containsKey(m[0] + m[1])) throw new FormatException(source + ": model.merges[" + r + "] '" + m[0] + " " + m[1] + "' uses tokens missing from the vocabulary");
            mergeRank.putIfAbsent(pairKey(a, b), r);
        }
        special = new boolean[size];
        for (String s : specials) {
            Integer id = vocab.get(s);
            if (id != null) special[id] = true;
            specialTokens.add(s);
        }
        specialTokens.sort((x, y) -> y.length() - x.length());
        this.byteLevel = byteLevel;
        this.byteFallback = byteFallback;
        this.prependSpace = prependSpace;
        this.unk = unkToken == null || !vocab.containsKey(unkToken) ? -1 : vocab.get(unkToken);
        this.bos = vocab.getOrDefault(byteLevel ? "<|endoftext|>" : "<s>", vocab.getOrDefault("<|begin_of_text|>", -1));
        this.eos = vocab.getOrDefault(byteLevel ? "<|endoftext|>" : "</s>", vocab.getOrDefault("<|end_of_text|>", -1));
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            byteToChar[b] = printable ? (char) b : (char) (256 + n++);
            charToByte.put(byteToChar[b], b);
        }
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    public static HfTokenizer load(Path file) throws IOException {
        String source = file.toString();
        Map<String, Object> root = Json.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8), source), "tokenizer.json", source);
        Map<String, Object> model = Json.getObject(root, "model", source);
        String type = model.get("type") instanceof String ? (String) model.get("type") : "BPE";
        if (!type.equals("BPE")) throw new FormatException(source + ": model.type '" + type + "' is not supported (BPE)");
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, Object> e : Json.getObject(model, "vocab", source + " model").entrySet()) {
            if (!(e.getValue() instanceof Long)) throw new FormatException(source + ": model.vocab['" + e.getKey() + "'] must be an integer id");
            vocab.put(e.getKey(), (int) (long) (Long) e.getValue());
        }
        List<String[]> merges = new ArrayList<>();
        List<Object> rawMerges = Json.getList(model, "merges", source + " model");
        for (int i = 0; i < rawMerges.size(); i++) {
            Object m = rawMerges.get(i);
            if (m instanceof String && ((String) m).indexOf(' ') > 0) {
                String s = (String) m;
                int sp = s.indexOf(' ');
                merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            } else if (m instanceof List && ((List<?>) m).size() == 2) {
                merges.add(new String[] {String.valueOf(((List<?>) m).get(0)), String.valueOf(((List<?>) m).get(1))});
            } else {
                throw new FormatException(source + ": model.merges[" + i + "] must be \"a b\" or [a, b]");
            }
        }
        List<String> specials = new ArrayList<>();
        if (root.get("added_tokens") instanceof List) {
            for (Object o : (List<?>) root.get("added_tokens")) {
                Map<String, Object> t = Json.object(o, "added_tokens entry", source);
                String content = Json.getString(t, "content", source + " added_tokens");
                vocab.putIfAbsent(content, Json.getInt(t, "id", source + " added_tokens"));
                specials.add(content);
            }
        }
        String pre = describe(root.get("pre_tokenizer"));
        boolean byteLevel = pre.contains("ByteLevel");
        String norm = describe(root.get("normalizer"));
        boolean prepend = norm.contains("Prepend") || pre.contains("Metaspace");
        if (!byteLevel && !prepend && !norm.equals("null")) throw new FormatException(source + ": normalizer " + norm + " is not supported");
        boolean fallback = Boolean.TRUE.equals(model.get("byte_fallback"));
        String unk = model.get("unk_token") instanceof String ? (String) model.get("unk_token") : null;
        return new HfTokenizer(vocab, merges, specials, byteLevel, fallback, prepend, unk, source);
    }

    private static String describe(Object o) {
        return o == null ? "null" : Json.write(o);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        List<Integer> ids = new ArrayList<>();
        if (addBos && bos >= 0) ids.add(bos);
        int start = 0;
        while (start <= text.length()) {
            int next = -1;
            String match = null;
            for (int i = start; i < text.length() && next < 0; i++) {
                for (String s : specialTokens) {
                    if (text.startsWith(s, i)) {
                        next = i;
                        match = s;
                        break;
                    }
                }
            }
            String segment = next < 0 ? text.substring(start) : text.substring(start, next);
            if (!segment.isEmpty()) encodeSegment(segment, ids);
            if (next < 0) break;
            ids.add(vocab.get(match));
            start = next + match.length();
        }
        if (addEos && eos >= 0) ids.add(eos);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    private void encodeSegment(String segment, List<Integer> out) {
        if (byteLevel) {
            Matcher m = GPT2_SPLIT.matcher(segment);
            while (m.find()) {
                StringBuilder mapped = new StringBuilder();
                for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) mapped.append(byteToChar[b & 0xFF]);
                bpe(mapped.toString(), out);
            }
        } else {
            String normalized = (prependSpace ? "\u2581" : "") + segment.replace(' ', '\u2581');
            bpe(normalized, out);
        }
    }

    /** Splits into characters (byte fallback for unknown ones) and applies the merges by rank. */
    private void bpe(String word, List<Integer> out) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += ch.length();
            Integer id = vocab.get(ch);
            if (id != null) {
                ids.add(id);
            } else if (byteFallback) {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    Integer bt = vocab.get(String.format("<0x%02X>", b & 0xFF));
                    ids.add(bt != null ? bt : unk);
                }
            } else if (unk >= 0) {
                ids.add(unk);
            }
        }
        int[] merged = ScoreMerger.merge(ids.stream().mapToInt(Integer::intValue).toArray(), new ScoreMerger.Rule() {
            @Override
            public int merge(int left, int right) {
                Integer rank = mergeRank.get(pairKey(left, right));
                return rank == null ? -1 : vocab.get(pieces[left] + pieces[right]);
            }

            @Override
            public double priority(int mergedId, int left, int right) {
                return -mergeRank.get(pairKey(left, right));
            }
        });
        for (int id : merged) out.add(id);
    }

    @Override
    public byte[] tokenBytes(int previousId, int id) {
        if (id < 0 || id >= pieces.length) throw new IndexOutOfBoundsException("token id " + id + " out of range for vocabulary " + pieces.length);
        if (special[id]) return new byte[0];
        String p = pieces[id];
        if (byteLevel) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < p.length(); i++) {
                Integer v = charToByte.get(p.charAt(i));
                if (v != null) b.write(v);
                else b.writeBytes(String.valueOf(p.charAt(i)).getBytes(StandardCharsets.UTF_8));
            }
            return b.toByteArray();
        }
        int byteValue = Llama2cTokenizer.byteToken(p);
        byte[] b = byteValue >= 0 ? new byte[] {(byte) byteValue} : p.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        boolean atStart = previousId < 0 || (previousId < special.length && special[previousId]);
        if (prependSpace && atStart && b.length > 0 && b[0] == ' ') return java.util.Arrays.copyOfRange(b, 1, b.length);
        return b;
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
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
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
}

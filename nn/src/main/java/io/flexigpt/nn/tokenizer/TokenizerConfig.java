package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Hugging Face's {@code tokenizer_config.json} and {@code generation_config.json} next to a
 * {@code tokenizer.json} say about special tokens: the BOS and EOS token texts ({@code bos_token},
 * {@code eos_token}, either a string, an {@code {"content": ...}} object or null for none), whether
 * encoding adds BOS ({@code add_bos_token}), the added tokens ({@code added_tokens_decoder}), extra
 * special tokens, the chat template, and the ids generation starts and stops with ({@code bos_token_id},
 * {@code eos_token_id}, a number or a list). Every field is absent (null) when the files do not set it.
 *
 * @param bosSet       whether {@code bos_token} is present (it may be present and null: no BOS)
 * @param bosToken     the BOS text, or null
 * @param eosSet       whether {@code eos_token} is present
 * @param eosToken     the EOS text, or null
 * @param addBos       {@code add_bos_token}, or null when absent
 * @param addedTokens  the entries of {@code added_tokens_decoder}
 * @param extraSpecial {@code additional_special_tokens}
 * @param chatTemplate {@code chat_template} (a string), or null
 * @param generationBos {@code generation_config.json}'s {@code bos_token_id}, or null
 * @param generationEos {@code generation_config.json}'s {@code eos_token_id} ids, empty when absent
 */
public record TokenizerConfig(
        boolean bosSet,
        String bosToken,
        boolean eosSet,
        String eosToken,
        Boolean addBos,
        List<AddedToken> addedTokens,
        List<String> extraSpecial,
        String chatTemplate,
        Integer generationBos,
        int[] generationEos) {
    /** One entry of {@code added_tokens_decoder}. */
    public record AddedToken(
            int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord) {}

    /** A configuration that sets nothing. */
    public static final TokenizerConfig NONE =
            new TokenizerConfig(false, null, false, null, null, List.of(), List.of(), null, null, new int[0]);

    /** The configuration in the directory of {@code tokenizerFile} ({@link #NONE} when neither file exists). */
    public static TokenizerConfig near(Path tokenizerFile) throws IOException {
        Path dir = tokenizerFile.toAbsolutePath().getParent();
        Path tc = dir.resolve("tokenizer_config.json"), gc = dir.resolve("generation_config.json");
        TokenizerConfig c = Files.isRegularFile(tc) ? tokenizerConfig(tc) : NONE;
        return Files.isRegularFile(gc) ? c.withGeneration(gc) : c;
    }

    private static Map<String, Object> readObject(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return Json.object(Json.parse(text, file.toString()), "the top level", file.toString());
    }

    static TokenizerConfig tokenizerConfig(Path file) throws IOException {
        Map<String, Object> m = readObject(file);
        String src = file.toString();
        Object addBos = m.get("add_bos_token");
        if (addBos != null && !(addBos instanceof Boolean))
            throw new FormatException(src + ": add_bos_token must be true or false, found " + Json.write(addBos));
        List<AddedToken> added = new ArrayList<>();
        if (m.get("added_tokens_decoder") != null) {
            for (Map.Entry<String, Object> e : Json.object(m.get("added_tokens_decoder"), "added_tokens_decoder", src)
                    .entrySet()) {
                String at = src + ": added_tokens_decoder[\"" + e.getKey() + "\"]";
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException x) {
                    throw new FormatException(at + ": the key must be a token id");
                }
                if (id < 0) throw new FormatException(at + ": the token id must be non-negative");
                Map<String, Object> t = Json.object(e.getValue(), "added_tokens_decoder entry", at);
                added.add(new AddedToken(
                        id,
                        Json.getString(t, "content", at),
                        Json.optBoolean(t, "special", false, at),
                        Json.optBoolean(t, "lstrip", false, at),
                        Json.optBoolean(t, "rstrip", false, at),
                        Json.optBoolean(t, "single_word", false, at)));
            }
        }
        List<String> extra = new ArrayList<>();
        if (m.get("additional_special_tokens") != null) {
            List<Object> list = Json.list(m.get("additional_special_tokens"), "additional_special_tokens", src);
            for (int i = 0; i < list.size(); i++)
                extra.add(tokenText(list.get(i), src + ": additional_special_tokens[" + i + "]"));
        }
        Object template = m.get("chat_template");
        if (template != null && !(template instanceof String)) {
            template = null; // a list of named templates: none of them is the default one this project renders
        }
        return new TokenizerConfig(
                m.containsKey("bos_token"),
                tokenText(m.get("bos_token"), src + ": bos_token"),
                m.containsKey("eos_token"),
                tokenText(m.get("eos_token"), src + ": eos_token"),
                (Boolean) addBos,
                List.copyOf(added),
                List.copyOf(extra),
                (String) template,
                null,
                new int[0]);
    }

    private TokenizerConfig withGeneration(Path file) throws IOException {
        Map<String, Object> m = readObject(file);
        String src = file.toString();
        Integer bos = m.get("bos_token_id") == null ? null : tokenId(m.get("bos_token_id"), src + ": bos_token_id");
        int[] eos = new int[0];
        Object e = m.get("eos_token_id");
        if (e instanceof List<?> list) {
            eos = new int[list.size()];
            for (int i = 0; i < eos.length; i++) eos[i] = tokenId(list.get(i), src + ": eos_token_id[" + i + "]");
        } else if (e != null) {
            eos = new int[] {tokenId(e, src + ": eos_token_id")};
        }
        return new TokenizerConfig(
                bosSet, bosToken, eosSet, eosToken, addBos, addedTokens, extraSpecial, chatTemplate, bos, eos);
    }

    private static int tokenId(Object v, String at) throws FormatException {
        if (v instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return (int) (long) l;
        throw new FormatException(at + ": expected a non-negative token id, found " + Json.write(v));
    }

    /** A token given as a string or as an AddedToken object {@code {"content": ...}}; null stays null. */
    private static String tokenText(Object v, String at) throws FormatException {
        if (v == null || v instanceof String) return (String) v;
        if (v instanceof Map<?, ?> map && map.get("content") instanceof String s) return s;
        throw new FormatException(
                at + ": expected a token string, an object with \"content\", or null, found " + Json.write(v));
    }
}

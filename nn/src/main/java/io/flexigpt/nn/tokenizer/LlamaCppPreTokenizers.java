package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import java.util.List;
import java.util.Set;

/**
 * llama.cpp's byte-level pre-tokenizers, by the {@code tokenizer.ggml.pre} names that select them: the regular
 * expressions applied in turn (each match and each stretch between matches becomes a word, a zero-width match
 * only splits), and llama.cpp's ignore_merges and add_bos defaults. Where llama.cpp rewrote a tokenizer.json
 * expression for its regex engine (case-insensitive contractions, Unicode letter classes, possessive
 * quantifiers), the original expression is used: it means the same on ASCII and is what the model was trained
 * with. An unknown name falls back, with a warning, to llama.cpp's default split, as llama.cpp does for a vocabulary
 * that names none; names whose splitting llama.cpp does with code of its own are refused.
 */
final class LlamaCppPreTokenizers {
    private LlamaCppPreTokenizers() {}

    /** A byte-level pre-tokenizer: its split expressions, and llama.cpp's ignore_merges and add_bos defaults for it. */
    record Pre(List<String> splits, boolean ignoreMerges, boolean addBos) {}

    /** One row of the table: the names that select it (the first is the one written) and what it does. */
    private record Row(List<String> names, Pre pre) {}

    /** Expressions several pre-tokenizers share (GPT-2's, Llama-3's, Qwen2's, GPT-4o's, BLOOM's). */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    static final String LLAMA3 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String GPT4O =
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String BLOOM = " ?[^(\\s|.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c)]+";

    /** Names llama.cpp splits with code of its own (or without byte-level encoding), which are not reproduced here. */
    private static final Set<String> UNSUPPORTED = Set.of(
            "kimi-k2",
            "afmoe",
            "gemma4",
            "granite-embed-multi-311m",
            "sarvam-moe",
            "whitespace",
            "jina-v1-en",
            "jina-v2-code",
            "roberta-bpe");

    private static Row row(List<String> names, boolean ignoreMerges, boolean addBos, String... splits) {
        return new Row(names, new Pre(List.of(splits), ignoreMerges, addBos));
    }

    private static final List<Row> TABLE = List.of(
            row(
                    List.of(
                            "gpt-2",
                            "phi-2",
                            "gpt2",
                            "mpt",
                            "olmo",
                            "jais",
                            "trillion",
                            "granite-docling",
                            "exaone4",
                            "jina-es",
                            "jina-de",
                            "jina-v2-es",
                            "jina-v2-de",
                            "gigachat",
                            "a.x-4.0",
                            "mellum",
                            "modern-bert"),
                    false,
                    false,
                    GPT2),
            row(
                    List.of(
                            "llama-bpe",
                            "llama3",
                            "llama-v3",
                            "falcon3",
                            "falcon-h1",
                            "pixtral",
                            "midm-2.0",
                            "lfm2",
                            "jina-v5-nano"),
                    true,
                    true,
                    LLAMA3),
            row(List.of("smaug-bpe", "dbrx", "chatglm-bpe", "glm4"), false, false, LLAMA3),
            row(
                    List.of(
                            "qwen2",
                            "deepseek-r1-qwen",
                            "megrez",
                            "stablelm2",
                            "hunyuan",
                            "solar-open",
                            "grok-2",
                            "kormo",
                            "f2llmv2"),
                    false,
                    false,
                    QWEN2),
            row(
                    List.of("qwen35"),
                    false,
                    false,
                    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
            row(List.of("default"), false, false, "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"),
            row(
                    List.of("deepseek-llm"),
                    false,
                    false,
                    "[\r\n]",
                    "\\s?[A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\ud801\udc00-\ud801\udc4f\ud801\udcb0-\ud801\udcd3\ud801\udcd8-\ud801\udcfb\ud803\udc80-\ud803\udcb2\ud803\udcc0-\ud803\udcf2\ud806\udca0-\ud806\udcdf\ud83a\udd00-\ud83a\udd43]+",
                    "\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+",
                    "\\s+\\z",
                    "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+",
                    "\\p{N}+"),
            row(
                    List.of("deepseek-coder"),
                    false,
                    false,
                    "[\r\n]",
                    "\\s?\\p{L}+",
                    "\\s?\\p{P}+",
                    "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+",
                    "\\p{N}"),
            row(
                    List.of("deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4"),
                    false,
                    false,
                    "\\p{N}{1,3}",
                    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
                    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("spark2_5"),
                    false,
                    false,
                    "\\p{N}{1,3}",
                    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
                    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+|[\r\n]|\\s+(?!\\S)|\\s+",
                    "\\p{N}"),
            row(
                    List.of("youtu"),
                    true,
                    false,
                    "[\uac00-\ud7a3\u3131-\u318e]+|[\uff01\u2026\u201c\u201d\u2018\u2019\u2014\uff1a\uff1b\uff0c\u3001-\u303f\ufe30-\ufe4f]+|[\u3105-\u312f]+|[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
                    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
            row(List.of("falcon"), false, false, "[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"),
            row(
                    List.of(
                            "starcoder",
                            "refact",
                            "command-r",
                            "smollm",
                            "codeshell",
                            "exaone",
                            "minerva-7b",
                            "mellum2"),
                    false,
                    false,
                    "\\p{N}",
                    GPT2),
            row(List.of("bloom", "gpt3-finnish", "poro-chat"), false, false, BLOOM),
            row(List.of("viking"), false, false, BLOOM, "\\p{N}"),
            row(
                    List.of("tekken"),
                    true,
                    true,
                    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("chameleon"),
                    false,
                    true,
                    "<sentinel:[0-9]+>",
                    "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
                    "([\\t\\n]|    |  )",
                    "\\p{N}",
                    "[\\p{P}!-/:-@\\[-`{-~]",
                    GPT2),
            row(List.of("gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"), false, false, GPT4O),
            row(List.of("tiny_aya", "cohere2moe"), false, false, "\\d{1,3}(?=(?:\\d{3})*\\b)", GPT4O),
            row(List.of("superbpe"), false, false, "\\p{N}+", "(?=(\\d{3})+(?!\\d))"),
            row(
                    List.of("bailingmoe", "bailingmoe2", "llada-moe"),
                    false,
                    false,
                    "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("seed-coder"),
                    false,
                    false,
                    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("ufakzeka"),
                    false,
                    false,
                    "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("exaone-moe"),
                    false,
                    false,
                    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
            row(
                    List.of("jais-2"),
                    false,
                    false,
                    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}"),
            row(List.of("laguna"), false, false, "[^\\n]+|[\\n]+", QWEN2),
            row(
                    List.of("minicpm5"),
                    true,
                    false,
                    "\\p{N}{1,3}",
                    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"));

    /** llama.cpp's default split, for a vocabulary that names no pre-tokenizer (or names it "default"). */
    static final Pre DEFAULT = pre("default", false);

    /**
     * The pre-tokenizer llama.cpp uses for {@code tokenizer.ggml.pre = name}; null (no name) gives the default. An
     * unknown name gives the default too, after a one-line warning on stderr when {@code warn}.
     */
    static Pre pre(String name, boolean warn) {
        if (name == null) return DEFAULT;
        for (Row r : TABLE) if (r.names().contains(name)) return r.pre();
        if (UNSUPPORTED.contains(name)) return null;
        if (warn)
            System.err.println("warning: tokenizer.ggml.pre '" + name
                    + "' is not known here; splitting text with llama.cpp's default pre-tokenizer");
        return DEFAULT;
    }

    /**
     * {@link #pre(String, boolean)} with the warnings (no name, an unknown name), refusing the names llama.cpp
     * splits with code of its own.
     */
    static Pre forGguf(String name) throws FormatException {
        if (name == null)
            System.err.println(
                    "warning: the GGUF vocabulary names no tokenizer.ggml.pre; splitting text with llama.cpp's default pre-tokenizer");
        Pre p = pre(name, true);
        if (p == null)
            throw new FormatException(
                    "tokenizer.ggml.pre '" + name + "' needs llama.cpp's own splitting code, which is not supported");
        return p;
    }

    /**
     * The name under which llama.cpp splits text with exactly {@code splits} and {@code ignoreMerges}; null when
     * no name does.
     */
    static String nameOf(List<String> splits, boolean ignoreMerges) {
        for (Row r : TABLE)
            if (r.pre().splits().equals(splits) && r.pre().ignoreMerges() == ignoreMerges)
                return r.names().get(0);
        return null;
    }
}

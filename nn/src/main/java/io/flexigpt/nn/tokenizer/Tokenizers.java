package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Opens a tokenizer file of any supported kind, and builds tokenizers from GGUF vocabularies. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * A Hugging Face {@code tokenizer.json} or a llama2.c tokenizer {@code .bin}, recognised by content, or a
     * directory holding {@code tokenizer.json} (or else {@code tokenizer.bin}).
     */
    public static Tokenizer load(Path path) throws IOException {
        Path file = file(path);
        return startsLikeJson(file) ? HfTokenizer.load(file) : Llama2cTokenizer.load(file);
    }

    /** The file {@link #load} reads for {@code path}: {@code path} itself, or the tokenizer file in a directory. */
    public static Path file(Path path) throws NoSuchFileException {
        if (Files.isDirectory(path))
            path = Files.exists(path.resolve("tokenizer.json"))
                    ? path.resolve("tokenizer.json")
                    : path.resolve("tokenizer.bin");
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no tokenizer file");
        return path;
    }

    private static boolean startsLikeJson(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(256);
            return Llama2cFile.looksLikeJson(head, head.length);
        }
    }

    /**
     * The tokenizer that GGUF metadata ({@code tokenizer.ggml.*}, as read from a file's header) describes, or
     * null when it has no {@code tokenizer.ggml.tokens}: model "llama" or "gpt2", the pre-tokenizer named by
     * {@code tokenizer.ggml.pre}, BOS, EOS and end-of-turn ids, and {@code add_bos_token} as llama.cpp reads them.
     * Errors name the metadata key.
     */
    public static Tokenizer fromGguf(Map<String, Object> metadata) throws FormatException {
        return GgufVocabulary.read(metadata);
    }

    /**
     * The llama.cpp {@code tokenizer.ggml.pre} name that splits text as the byte-level {@code tokenizer.json} whose
     * parsed contents are {@code root} does (e.g. "llama-bpe" for Llama 3, "qwen2" for Qwen), or null when none does.
     */
    public static String ggufPreName(Map<String, Object> root) {
        return GgufVocabulary.preName(root);
    }

    /** A GGUF {@code tokenizer.ggml.model = llama} vocabulary; unknown id from token type 2, else 0. */
    public static Tokenizer fromVocabulary(List<String> pieces, float[] scores, int[] tokenTypes, int bos, int eos)
            throws FormatException {
        int unk = 0;
        for (int i = 0; tokenTypes != null && i < tokenTypes.length; i++) {
            if (tokenTypes[i] == 2) {
                unk = i;
                break;
            }
        }
        return fromVocabulary(pieces, scores, tokenTypes, bos, eos, unk, "llama", null);
    }

    /**
     * A tokenizer from GGUF {@code tokenizer.ggml.*} metadata. {@code model} "llama": pieces use '▁' for
     * space and {@code <0xNN>} byte tokens (token type 6), and {@code scores} drive score-greedy merging as
     * in llama2.c. {@code model} "gpt2": byte-level BPE whose {@code merges} ("a b", highest priority
     * first) drive merging. Token types follow GGUF (1 normal, 2 unknown, 3 control, 4 user-defined,
     * 5 unused, 6 byte); {@code tokenTypes} and {@code scores} may be null when the file has none.
     */
    public static Tokenizer fromVocabulary(
            List<String> pieces,
            float[] scores,
            int[] tokenTypes,
            int bos,
            int eos,
            int unk,
            String model,
            List<String> merges)
            throws FormatException {
        int n = pieces.size();
        if (tokenTypes != null && tokenTypes.length != n)
            throw new FormatException(
                    "tokenizer.ggml.token_type has " + tokenTypes.length + " entries for " + n + " tokens");
        if (scores != null && scores.length != n)
            throw new FormatException("tokenizer.ggml.scores has " + scores.length + " entries for " + n + " tokens");
        for (int id : new int[] {bos, eos, unk}) {
            if (id < -1 || id >= n)
                throw new FormatException("special token id " + id + " is outside the vocabulary of " + n);
        }
        switch (model) {
            case "llama":
                return Llama2cTokenizer.fromPieces(
                        pieces,
                        scores == null ? new float[n] : scores,
                        tokenTypes,
                        bos,
                        eos < 0 ? new int[0] : new int[] {eos},
                        unk,
                        true);
            case "gpt2":
                if (merges == null)
                    throw new FormatException("tokenizer.ggml.merges is required for tokenizer.ggml.model gpt2");
                LlamaCppPreTokenizers.Pre gpt2 = LlamaCppPreTokenizers.pre("gpt-2", false);
                return HfTokenizerReader.byteLevel(
                        pieces,
                        merges,
                        tokenTypes,
                        bos,
                        eos < 0 ? new int[0] : new int[] {eos},
                        bos >= 0,
                        List.of(Pattern.compile(gpt2.splits().get(0), Pattern.UNICODE_CHARACTER_CLASS)),
                        false);
            default:
                throw new FormatException("tokenizer.ggml.model '" + model + "' is not supported (llama, gpt2)");
        }
    }
}

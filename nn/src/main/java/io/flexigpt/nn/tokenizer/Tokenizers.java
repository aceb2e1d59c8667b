package io.flexigpt.nn.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Opens a tokenizer file of any supported kind, and builds tokenizers from GGUF vocabularies. */
public final class Tokenizers {
    private Tokenizers() {}

    /** A Hugging Face {@code tokenizer.json} (or a directory holding one) or a llama2.c tokenizer {@code .bin}. */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) path = path.resolve("tokenizer.json");
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such tokenizer file");
        if (path.getFileName().toString().endsWith(".json")) return HfTokenizer.load(path);
        return Llama2cTokenizer.load(path);
    }

    /**
     * A score-greedy BPE tokenizer from a vocabulary given as pieces (spaces as '▁', bytes as
     * {@code <0xNN>}) and scores, as GGUF files with {@code tokenizer.ggml.model = llama} carry it.
     * {@code tokenTypes} (may be null) follows GGUF: 2 unknown and 3 control tokens never match text.
     */
    public static Tokenizer fromVocabulary(List<String> pieces, float[] scores, int[] tokenTypes, int bos, int eos) {
        boolean[] special = null;
        if (tokenTypes != null) {
            special = new boolean[pieces.size()];
            for (int i = 0; i < special.length && i < tokenTypes.length; i++) special[i] = tokenTypes[i] == 2 || tokenTypes[i] == 3;
        }
        return new Llama2cTokenizer(pieces, scores, special, bos, eos);
    }
}

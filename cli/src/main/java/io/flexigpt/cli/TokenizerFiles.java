package io.flexigpt.cli;

import io.flexigpt.nn.io.GgufCheckpoint;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens a tokenizer from any file the project reads: tokenizer.json, llama2.c tokenizer.bin, a model directory, or a GGUF model. */
final class TokenizerFiles {
    private TokenizerFiles() {}

    static Tokenizer load(Path path) throws IOException {
        if (!Files.exists(path))
            throw new NoSuchFileException(path.toString(), null, "no such tokenizer file or directory");
        if (Files.isRegularFile(path) && isGguf(path)) {
            Tokenizer t = GgufCheckpoint.tokenizer(path);
            if (t == null) throw new IOException(path + ": the GGUF file has no tokenizer.ggml.tokens");
            return t;
        }
        return Tokenizers.load(path);
    }

    static boolean isGguf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[] {'G', 'G', 'U', 'F'});
        }
    }
}

package io.flexigpt.cli;

import io.flexigpt.compress.CompressedModels;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.Checkpoint;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A model and its tokenizer from the paths the user gave. */
record ModelLoading(LlamaModel model, Tokenizer tokenizer) {

    /**
     * Loads {@code modelPath} (llama2.c .bin, GGUF, Hugging Face directory, or a compressed-model directory)
     * and the tokenizer: {@code tokenizerPath} if given, else the one inside a GGUF file, else
     * {@code tokenizer.json} / {@code tokenizer.bin} next to the model.
     */
    static ModelLoading load(Path modelPath, Path tokenizerPath) throws IOException {
        if (!Files.exists(modelPath)) throw new NoSuchFileException(modelPath.toString(), null, "no such model file or directory");
        LlamaModel model;
        Tokenizer fromFile = null;
        if (Files.isDirectory(modelPath) && isCompressed(modelPath)) {
            model = CompressedModels.load(modelPath);
        } else {
            Checkpoint c = Checkpoints.load(modelPath);
            model = LlamaModel.fromCheckpoint(c);
            fromFile = c.tokenizer();
        }
        Tokenizer tok;
        if (tokenizerPath != null) {
            tok = Tokenizers.load(tokenizerPath);
        } else if (fromFile != null) {
            tok = fromFile;
        } else {
            Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.toAbsolutePath().getParent();
            if (Files.exists(dir.resolve("tokenizer.json")) || Files.exists(dir.resolve("tokenizer.bin"))) tok = Tokenizers.load(dir);
            else throw new NoSuchFileException(modelPath.toString(), null, "no tokenizer found next to the model; pass --tokenizer");
        }
        if (tok.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tok.vocabSize() + " tokens but the model only " + model.config().vocabSize());
        }
        return new ModelLoading(model, tok);
    }

    private static boolean isCompressed(Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        if (!Files.exists(f)) return false;
        try (SafeTensorsFile s = SafeTensorsFile.open(f)) {
            return s.metadata().containsKey("flexigpt");
        }
    }
}

package io.flexigpt.cli;

import io.flexigpt.compress.CompressedModels;
import io.flexigpt.io.ProgressListener;
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

/** A model and its tokenizer from the paths the user gave; {@code tokenizerFile} is null when the model file held it. */
record ModelLoading(LlamaModel model, Tokenizer tokenizer, Path tokenizerFile) {

    /**
     * Loads {@code modelPath} (llama2.c .bin, GGUF, Hugging Face directory, or a compressed-model directory)
     * and the tokenizer: {@code tokenizerPath} if given, else the one inside a GGUF file, else
     * {@code tokenizer.json} / {@code tokenizer.bin} next to the model.
     */
    static ModelLoading load(Path modelPath, Path tokenizerPath) throws IOException {
        return load(modelPath, tokenizerPath, ProgressListener.NONE);
    }

    /** As {@link #load(Path, Path)}, reporting the bytes of weights read (Hugging Face directories and GGUF files). */
    static ModelLoading load(Path modelPath, Path tokenizerPath, ProgressListener progress) throws IOException {
        if (!Files.exists(modelPath))
            throw new NoSuchFileException(modelPath.toString(), null, "no such model file or directory");
        LlamaModel model;
        Tokenizer fromFile = null;
        if (Files.isDirectory(modelPath) && isCompressed(modelPath)) {
            model = CompressedModels.load(modelPath);
        } else {
            Checkpoint c = Checkpoints.load(modelPath, progress);
            model = LlamaModel.fromCheckpoint(c);
            fromFile = c.tokenizer();
        }
        Path tokFile = null;
        if (tokenizerPath != null) {
            tokFile = Files.isDirectory(tokenizerPath) ? fileIn(tokenizerPath) : tokenizerPath;
            if (tokFile == null)
                throw new NoSuchFileException(
                        tokenizerPath.toString(), null, "no tokenizer.json or tokenizer.bin in this directory");
        } else if (fromFile == null) {
            tokFile = fileIn(
                    Files.isDirectory(modelPath)
                            ? modelPath
                            : modelPath.toAbsolutePath().getParent());
            if (tokFile == null)
                throw new NoSuchFileException(
                        modelPath.toString(), null, "no tokenizer found next to the model; pass --tokenizer");
        }
        Tokenizer tok = tokFile != null ? Tokenizers.load(tokFile) : fromFile;
        if (tok.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tok.vocabSize() + " tokens but the model only "
                    + model.config().vocabSize());
        }
        return new ModelLoading(model, tok, tokFile);
    }

    /**
     * Copies the tokenizer file next to a model written to {@code dir} (as {@code tokenizer.json} or
     * {@code tokenizer.bin}), so that the model loads without {@code --tokenizer}; nothing when the model file held it.
     */
    void copyTokenizerTo(Path dir) throws IOException {
        if (tokenizerFile != null) copyTokenizer(tokenizerFile, dir);
    }

    /**
     * Copies {@code tokenizer} into {@code dir} under the name loading looks for ({@code tokenizer.json} or
     * {@code tokenizer.bin}), with the Hugging Face files beside a {@code tokenizer.json} that define its special
     * tokens ({@code tokenizer_config.json}, {@code generation_config.json}, {@code special_tokens_map.json}).
     */
    static void copyTokenizer(Path tokenizer, Path dir) throws IOException {
        boolean json = tokenizer.getFileName().toString().endsWith(".json");
        Files.copy(tokenizer, dir.resolve(json ? "tokenizer.json" : "tokenizer.bin"));
        Path from = tokenizer.toAbsolutePath().getParent();
        if (!json || from == null) return;
        for (String name :
                new String[] {"tokenizer_config.json", "generation_config.json", "special_tokens_map.json"}) {
            if (Files.isRegularFile(from.resolve(name)) && !Files.exists(dir.resolve(name)))
                Files.copy(from.resolve(name), dir.resolve(name));
        }
    }

    /** {@code tokenizer.json}, else {@code tokenizer.bin} in {@code dir}, or null. */
    private static Path fileIn(Path dir) {
        for (String name : new String[] {"tokenizer.json", "tokenizer.bin"})
            if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        return null;
    }

    private static boolean isCompressed(Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        if (!Files.exists(f)) return false;
        try (SafeTensorsFile s = SafeTensorsFile.open(f)) {
            return s.metadata().containsKey("flexigpt");
        }
    }
}

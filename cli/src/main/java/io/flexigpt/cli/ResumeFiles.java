package io.flexigpt.cli;

import io.flexigpt.io.ContentDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Where a resumable command keeps its training checkpoint, keyed by the contents of what it trains on. */
final class ResumeFiles {
    private ResumeFiles() {}

    /**
     * Where a command writing {@code out} keeps its training checkpoint until it finishes: a hidden file beside
     * {@code out}, named after a digest of the contents of the model (for a directory: its config.json and
     * safetensors files), the tokenizer file, the text and the settings, so that a rerun with another model,
     * tokenizer, text or setting starts afresh even when the paths are the same.
     */
    static Path checkpointBeside(Path out, Path model, ModelLoading loaded, Path text, Object... settings)
            throws IOException {
        ContentDigest digest = ContentDigest.sha256();
        for (Path f : modelFiles(model))
            digest.text(Files.isDirectory(model) ? f.getFileName().toString() : "model")
                    .file(f);
        if (loaded.tokenizerFile() != null) digest.text("tokenizer").file(loaded.tokenizerFile());
        digest.text("text").file(text).text(Arrays.deepToString(settings));
        Path abs = out.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + ".training-" + digest.hex(16) + ".safetensors");
    }

    /** The files whose bytes make up a model: the file itself, or a directory's config.json, index and safetensors files, by name. */
    static List<Path> modelFiles(Path model) throws IOException {
        if (!Files.isDirectory(model)) return List.of(model);
        try (Stream<Path> s = Files.list(model)) {
            return s.filter(p -> Files.isRegularFile(p)
                            && (p.getFileName().toString().equals("config.json")
                                    || p.getFileName().toString().endsWith(".safetensors")
                                    || p.getFileName().toString().endsWith(".safetensors.index.json")))
                    .sorted()
                    .toList();
        }
    }
}

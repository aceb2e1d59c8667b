package io.flexigpt.cli;

import io.flexigpt.compress.PlainModels;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.Checkpoint;
import io.flexigpt.nn.io.GgufVocabulary;
import io.flexigpt.nn.io.GgufWriter;
import io.flexigpt.nn.io.HfExport;
import io.flexigpt.tensor.io.StoredType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flexigpt export}: any model the project loads, compressed ones included, as a standard Llama checkpoint. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write any model the project loads (llama2.c, GGUF, Hugging Face, or a compressed model) as a standard Llama checkpoint"
                    + " that transformers (--format hf) or llama.cpp (--format gguf) load.",
            "Shared base weights are materialised in every block that uses them, adapters merged (W_s + B A), output scales folded into"
                    + " o_proj / down_proj, and a drop + LoRA model becomes a smaller plain model. The exported model therefore gives up the"
                    + " storage saving of sharing: keep the project's own compressed directory to keep it."
        })
final class ExportCommand implements Callable<Integer> {
    /** Files copied into a Hugging Face export when they lie next to the tokenizer the model was loaded with. */
    static final List<String> COMPANION_FILES =
            List.of("tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    @Mixin
    ModelOptions models;

    @Option(names = "--out", required = true, description = "Output: a directory for hf, a .gguf file for gguf.")
    Path out;

    @Option(
            names = "--format",
            required = true,
            description = "hf (safetensors + config.json + tokenizer files) or gguf (GGUF v3).")
    String format;

    @Option(
            names = "--dtype",
            defaultValue = "f32",
            description = "f32 or f16 (GGUF keeps norm gains in F32) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("hf") && !format.equals("gguf"))
            throw new ParameterException(spec.commandLine(), "--format must be hf or gguf, got '" + format + "'");
        StoredType type =
                switch (dtype) {
                    case "f32" -> StoredType.F32;
                    case "f16" -> StoredType.F16;
                    default ->
                        throw new ParameterException(
                                spec.commandLine(), "--dtype must be f32 or f16, got '" + dtype + "'");
                };
        long start = System.nanoTime();
        ModelLoading m = models.load();
        LlamaModel plain = PlainModels.merge(m.model());
        Checkpoint checkpoint = plain.toCheckpoint();
        PrintWriter err = spec.commandLine().getErr();
        if (format.equals("hf")) {
            Map<String, Path> files = tokenizerFiles(m.tokenizerFile());
            if (files.isEmpty())
                err.println(
                        "note: the tokenizer came from the model file; no tokenizer files are written next to the export");
            HfExport.write(out, checkpoint, type, files);
        } else {
            if (Files.isDirectory(out))
                throw new IllegalArgumentException(
                        "--out " + out + " is a directory; GGUF export writes one file (e.g. model.gguf)");
            Path json = m.tokenizerFile() != null
                            && m.tokenizerFile().getFileName().toString().endsWith(".json")
                    ? m.tokenizerFile()
                    : null;
            GgufVocabulary vocab =
                    GgufVocabulary.of(m.tokenizer(), json, checkpoint.config().vocabSize());
            GgufWriter.write(out, checkpoint, vocab, type, models.name());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf(
                "exported %s to %s (%s, %s): %d blocks, %,d parameters stored (the input stores %,d), %.1f s%n",
                models.name(),
                out,
                format,
                dtype,
                plain.blocks().size(),
                plain.parameterCount(),
                m.model().parameterCount(),
                (System.nanoTime() - start) / 1e9);
        o.flush();
        return 0;
    }

    /**
     * The tokenizer file, under the name the project looks for next to a model ({@code tokenizer.json} or
     * {@code tokenizer.bin}), and its known companions in the same directory; none when the model file held the tokenizer.
     */
    static Map<String, Path> tokenizerFiles(Path tokenizerFile) {
        Map<String, Path> files = new LinkedHashMap<>();
        if (tokenizerFile == null) return files;
        files.put(
                tokenizerFile.getFileName().toString().endsWith(".json") ? "tokenizer.json" : "tokenizer.bin",
                tokenizerFile);
        Path dir = tokenizerFile.toAbsolutePath().getParent();
        for (String name : COMPANION_FILES)
            if (Files.isRegularFile(dir.resolve(name))) files.put(name, dir.resolve(name));
        return files;
    }
}

package io.flexigpt.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --model} and {@code --tokenizer} options shared by every command that loads a model. */
final class ModelOptions {
    @Option(
            names = "--model",
            required = true,
            description = "llama2.c .bin, GGUF file, or Hugging Face / compressed model directory.")
    Path model;

    @Option(
            names = "--tokenizer",
            description = "Tokenizer file (default: the model's own, or tokenizer.json/.bin next to it).")
    Path tokenizer;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The model and tokenizer, with a "load" progress line (in MB of weights) on the command's stderr. */
    ModelLoading load() throws IOException {
        return ModelLoading.load(
                model, tokenizer, Progress.inMegabytes(command.commandLine().getErr(), "load"));
    }

    String name() {
        return model.getFileName().toString();
    }
}

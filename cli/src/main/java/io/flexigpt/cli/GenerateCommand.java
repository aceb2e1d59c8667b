package io.flexigpt.cli;

import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.tokenizer.StreamingDecoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flexigpt generate}: streams text continuing a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text from a model and a prompt, streaming it to stdout.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Mixin
    DeviceOptions devices;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: start from BOS).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", description = "New tokens at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
        ModelLoading m = models.load();
        PrintWriter out = spec.commandLine().getOut();
        int[] ids = m.tokenizer().encode(prompt, true, false);
        StreamingDecoder dec = m.tokenizer().streamingDecoder();
        StringBuilder echo = new StringBuilder();
        for (int id : ids) echo.append(dec.next(id));
        out.print(echo);
        out.flush();
        int[] stop = {m.tokenizer().bosId(), m.tokenizer().eosId()};
        int vocabulary = m.tokenizer().vocabSize();
        if (vocabulary < m.model().config().vocabSize()) {
            spec.commandLine().getErr().println("note: the tokenizer has " + vocabulary + " tokens, the model's vocabulary " + m.model().config().vocabSize()
                    + "; ids from " + vocabulary + " on have no text and are never generated");
        }
        try (DeviceOptions.Inference inference = devices.open(m.model(), spec.commandLine().getErr())) {
            inference.generator().limitedTo(vocabulary).generate(ids, maxTokens, new SamplingConfig(temperature, topP, topK, seed), stop, id -> {
                out.print(dec.next(id));
                out.flush();
                return true;
            });
        }
        out.println(dec.flush());
        return 0;
    }
}

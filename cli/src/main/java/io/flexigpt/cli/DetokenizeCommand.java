package io.flexigpt.cli;

import io.flexigpt.io.Json;
import io.flexigpt.nn.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flexigpt detokenize}: token ids back to text. */
@Command(
        name = "detokenize",
        mixinStandardHelpOptions = true,
        description = "Turn token ids (separated by spaces or commas, brackets allowed) back into "
                + "text. The ids come from the arguments, --file, or standard input.")
final class DetokenizeCommand implements Callable<Integer> {
    @Option(
            names = {"--tokenizer", "--model"},
            required = true,
            description = "tokenizer.json, llama2.c tokenizer .bin, a model directory, or a GGUF model.")
    Path tokenizer;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Token ids (default: --file, else standard input).")
    List<String> idArgs;

    @Option(names = "--file", description = "Read the ids from this file.")
    Path file;

    @Option(names = "--json", description = "Print {\"text\": ...} as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        boolean fromArgs = idArgs != null && !idArgs.isEmpty();
        if (fromArgs && file != null)
            throw new IllegalArgumentException("give the ids either as arguments or with --file, not both");
        String input = fromArgs
                ? String.join(" ", idArgs)
                : file != null
                        ? Files.readString(file, StandardCharsets.UTF_8)
                        : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        Tokenizer tok = TokenizerFiles.load(tokenizer);
        int[] ids = parseIds(input, tok.vocabSize());
        String text = tok.decode(ids);
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(Json.write(Map.of("text", text)));
        else out.println(text);
        return 0;
    }

    /** Ids separated by whitespace or commas, optionally inside [ ]; each must be a token id of the vocabulary. */
    static int[] parseIds(String input, int vocabSize) {
        String body = input.strip();
        if (body.startsWith("[") && body.endsWith("]")) body = body.substring(1, body.length() - 1);
        String[] parts = body.isBlank() ? new String[0] : body.strip().split("[\\s,]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("token " + (i + 1) + ": '" + parts[i] + "' is not an integer id");
            }
            if (ids[i] < 0 || ids[i] >= vocabSize)
                throw new IllegalArgumentException(
                        "token " + (i + 1) + ": id " + ids[i] + " is outside the vocabulary of " + vocabSize);
        }
        return ids;
    }
}

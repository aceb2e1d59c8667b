package io.flexigpt.cli;

import io.flexigpt.io.Json;
import io.flexigpt.nn.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flexigpt tokenize}: text to token ids (and their vocabulary pieces). */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = "Turn text into token ids: one line of ids, or one 'id<TAB>piece' line per token "
                + "with --pieces. The text comes from the argument, --file, or standard input.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(
            names = {"--tokenizer", "--model"},
            required = true,
            description = "tokenizer.json, llama2.c tokenizer .bin, a model directory, or a GGUF model.")
    Path tokenizer;

    @Parameters(
            arity = "0..1",
            paramLabel = "TEXT",
            description = "Text to tokenize (default: --file, else standard input).")
    String text;

    @Option(names = "--file", description = "Read the text from this UTF-8 file.")
    Path file;

    @Option(
            names = "--bos",
            arity = "1",
            paramLabel = "true|false",
            description = "Prepend BOS (default: the tokenizer's own add_bos_token).")
    Boolean bos;

    @Option(names = "--eos", description = "Append EOS.")
    boolean eos;

    @Option(names = "--pieces", description = "Print each token's id and vocabulary piece on its own line.")
    boolean pieces;

    @Option(names = "--json", description = "Print {\"ids\", \"pieces\", \"count\", \"bos\"} as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (text != null && file != null)
            throw new IllegalArgumentException("give the text either as an argument or with --file, not both");
        String input = text != null
                ? text
                : file != null
                        ? Files.readString(file, StandardCharsets.UTF_8)
                        : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        Tokenizer tok = TokenizerFiles.load(tokenizer);
        boolean addBos = bos != null ? bos : tok.addsBos();
        int[] ids = tok.encode(input, addBos, eos);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Long> idList = new ArrayList<>();
            List<String> pieceList = new ArrayList<>();
            for (int id : ids) {
                idList.add((long) id);
                pieceList.add(tok.piece(id));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ids", idList);
            m.put("pieces", pieceList);
            m.put("count", (long) ids.length);
            m.put("bos", addBos && tok.bosId() >= 0);
            out.println(Json.write(m));
        } else if (pieces) {
            for (int id : ids) out.println(id + "\t" + Json.write(tok.piece(id)));
        } else {
            StringBuilder line = new StringBuilder();
            for (int id : ids) line.append(line.length() == 0 ? "" : " ").append(id);
            out.println(line);
        }
        return 0;
    }
}

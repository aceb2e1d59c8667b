package io.flexigpt.cli;

import io.flexigpt.io.Json;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.io.GgufCheckpoint;
import io.flexigpt.nn.tokenizer.StreamingDecoder;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.TokenizerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flexigpt generate}: streams text continuing a prompt, then prints load, prompt and generation timings on stderr. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate text from a model and a prompt, streaming it to stdout; "
                + "timings go to stderr at the end.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Mixin
    DeviceOptions devices;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: start from BOS).")
    String prompt;

    @Option(names = "--prompt-file", description = "Read the prompt from this UTF-8 file.")
    Path promptFile;

    @Option(
            names = "--chat",
            description =
                    "Apply the model's chat template (Llama-3, ChatML/Qwen or Gemma, from tokenizer_config.json or GGUF metadata) "
                            + "to the prompt as one user turn.")
    boolean chat;

    @Option(names = "--system", description = "System message for --chat.")
    String system;

    @Option(
            names = "--think",
            negatable = true,
            description =
                    "With --chat, for a template with a thinking switch (Qwen3's enable_thinking): "
                            + "--no-think renders the empty think block that turns thinking off; --think (the template's default) leaves it on.")
    Boolean think;

    @Option(
            names = "--max-tokens",
            defaultValue = "256",
            description = "New tokens at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            description = "Sample among the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--min-p",
            defaultValue = "0",
            description =
                    "Drop tokens less likely than this fraction of the most likely one, 0 = off (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(
            names = "--repeat-penalty",
            defaultValue = "1",
            description = "Divide positive / multiply negative logits of recent tokens by this, 1 = off "
                    + "(default: ${DEFAULT-VALUE}).")
    double repeatPenalty;

    @Option(
            names = "--repeat-last-n",
            defaultValue = "64",
            description =
                    "Tokens the repetition penalty looks back over, -1 = all, 0 = none (default: ${DEFAULT-VALUE}).")
    int repeatLastN;

    @Option(names = "--stop", description = "Stop when this text appears; the output ends before it (repeatable).")
    List<String> stops = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--json",
            description = "Print one JSON object (text, tokens, stop reason, timings) instead of streaming.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
        if (promptFile != null && !prompt.isEmpty())
            throw new IllegalArgumentException("give the prompt either with --prompt or with --prompt-file, not both");
        if (system != null && !chat) throw new IllegalArgumentException("--system needs --chat");
        if (think != null && !chat) throw new IllegalArgumentException("--think / --no-think need --chat");
        SamplingConfig sampling = new SamplingConfig(temperature, topP, topK, seed, minP, repeatPenalty, repeatLastN);
        StopStrings stopText = new StopStrings(stops);
        String text = promptFile != null ? Files.readString(promptFile, StandardCharsets.UTF_8) : prompt;
        long loadStart = System.nanoTime();
        ModelLoading m = models.load();
        Tokenizer tok = m.tokenizer();
        List<Integer> stopIds = new ArrayList<>();
        if (tok.bosId() >= 0) stopIds.add(tok.bosId());
        for (int id : tok.eosIds()) stopIds.add(id);
        int[] ids;
        if (chat) {
            ChatTemplates.Template template = ChatTemplates.recognise(chatTemplate(m));
            String bosText = tok.bosId() >= 0 ? tok.piece(tok.bosId()) : "";
            ids = tok.encode(
                    ChatTemplates.render(template, bosText, system, text, LocalDate.now(), think), false, false);
            int[] end = tok.encode(template.family().endOfTurn, false, false);
            if (end.length == 1) stopIds.add(end[0]);
        } else {
            ids = tok.encode(text, tok.addsBos(), false);
        }
        if (ids.length == 0 && tok.bosId() >= 0) ids = new int[] {tok.bosId()};
        if (ids.length == 0)
            throw new IllegalArgumentException("the prompt is empty and the tokenizer has no BOS token to start from");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        int vocabulary = tok.vocabSize();
        if (vocabulary < m.model().config().vocabSize()) {
            err.println("note: the tokenizer has " + vocabulary + " tokens, the model's vocabulary "
                    + m.model().config().vocabSize() + "; ids from " + vocabulary
                    + " on have no text and are never generated");
        }
        StreamingDecoder dec = tok.streamingDecoder();
        StringBuilder generated = new StringBuilder();
        if (!chat && !json) {
            StringBuilder echo = new StringBuilder();
            for (int id : ids) echo.append(dec.next(id));
            out.print(echo);
            out.flush();
        } else {
            for (int id : ids) dec.next(id);
        }
        Generator.Result result;
        long loadNanos;
        try (DeviceOptions.Inference inference = devices.open(m.model(), err)) {
            loadNanos = System.nanoTime() - loadStart;
            result = inference
                    .generator()
                    .limitedTo(vocabulary)
                    .run(
                            ids,
                            maxTokens,
                            sampling,
                            stopIds.stream().mapToInt(Integer::intValue).toArray(),
                            id -> {
                                String piece = stopText.add(dec.next(id));
                                generated.append(piece);
                                if (!json) {
                                    out.print(piece);
                                    out.flush();
                                }
                                return !stopText.stopped();
                            });
        }
        String tail = stopText.add(dec.flush()) + stopText.flush();
        generated.append(tail);
        String reason = stopText.stopped() ? "stop_string" : result.stopToken() >= 0 ? "stop_token" : "length";
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("text", generated.toString());
            List<Long> tokens = new ArrayList<>();
            for (int t : result.tokens()) tokens.add((long) t);
            o.put("tokens", tokens);
            o.put("prompt_tokens", (long) ids.length);
            o.put("stop_reason", reason);
            o.put("timings", timings(loadNanos, result));
            out.println(Json.write(o));
        } else {
            out.println(tail);
            err.printf(
                    Locale.ROOT,
                    "load: %.1f ms; prompt: %d tokens in %.1f ms (%.1f tokens/s); generation: %d tokens, %d passes in %.1f ms (%.1f tokens/s); stop: %s%n",
                    loadNanos / 1e6,
                    ids.length,
                    result.prefillNanos() / 1e6,
                    result.prefillTokensPerSecond(),
                    result.tokens().length,
                    result.decodePasses(),
                    result.decodeNanos() / 1e6,
                    result.decodeTokensPerSecond(),
                    reason);
        }
        out.flush();
        err.flush();
        return 0;
    }

    private static Map<String, Object> timings(long loadNanos, Generator.Result r) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("load_ms", loadNanos / 1e6);
        t.put("prompt_tokens", (long) r.promptTokens());
        t.put("prefill_ms", r.prefillNanos() / 1e6);
        t.put("prefill_tokens_per_s", r.prefillTokensPerSecond());
        t.put("generated_tokens", (long) r.tokens().length);
        t.put("decode_passes", (long) r.decodePasses());
        t.put("decode_ms", r.decodeNanos() / 1e6);
        t.put("decode_tokens_per_s", r.decodeTokensPerSecond());
        return t;
    }

    /** The chat template: tokenizer_config.json next to the tokenizer file, else a GGUF model's tokenizer.chat_template. */
    private String chatTemplate(ModelLoading m) throws IOException {
        if (m.tokenizerFile() != null) {
            String t = TokenizerConfig.near(m.tokenizerFile()).chatTemplate();
            if (t != null) return t;
        } else if (Files.isRegularFile(models.model)
                && TokenizerFiles.isGguf(models.model)
                && GgufCheckpoint.header(models.model).metadata().get("tokenizer.chat_template") instanceof String t) {
            return t;
        }
        throw new IllegalArgumentException(
                "--chat: the model has no chat template (no chat_template in tokenizer_config.json"
                        + (m.tokenizerFile() == null
                                ? ", no tokenizer.chat_template in the GGUF file"
                                : " next to " + m.tokenizerFile())
                        + ")");
    }
}

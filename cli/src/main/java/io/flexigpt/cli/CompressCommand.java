package io.flexigpt.cli;

import io.flexigpt.compress.CompressedModels;
import io.flexigpt.compress.CompressionMethod;
import io.flexigpt.compress.CompressionPipeline;
import io.flexigpt.compress.CompressionRun;
import io.flexigpt.compress.HeldOutText;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.compress.TextSplit;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.report.CompressionReport;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.io.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

/** {@code flexigpt compress}: FlexiGPT or a baseline, recovery, and the compressed model with its report. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        description = {
            "Compress a model (FlexiGPT or a baseline), recover it, and save it with a report.",
            "The text's documents (separated by <|endoftext|> lines if it has any, else by blank lines) are split in order: the first 85%% for calibration and recovery, the next 5%% to validate "
                    + "(--lr auto chooses the rate there), the last 10%% to measure held-out perplexity."
        })
final class CompressCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Option(
            names = "--text",
            required = true,
            description = "Text for calibration, recovery, validation and the held-out measurement.")
    Path text;

    @Option(
            names = "--method",
            defaultValue = "flexigpt",
            description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = MethodIds.class)
    String method;

    @Option(
            names = "--rate",
            defaultValue = "0.3",
            description = "Fraction of blocks to prune (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--rank",
            defaultValue = "8",
            description = "Adapter rank, absolute (8) or a fraction (0.25) (default: ${DEFAULT-VALUE}).")
    String rank;

    @Option(
            names = "--recovery-tokens",
            description = "Recovery training budget in tokens, 0 = none (default: " + RecoverySettings.DEFAULT_TOKENS
                    + ", i.e. 400 steps of 8 x 128).")
    Long recoveryTokens;

    @Option(names = "--steps", description = "Recovery steps (instead of --recovery-tokens).")
    Integer steps;

    @Option(
            names = "--batch",
            defaultValue = "8",
            description = "Windows per recovery step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "" + RecoverySettings.DEFAULT_LR,
            description = "Peak recovery learning rate, or 'auto': a sweep of "
                    + "1e-3, 3e-3, 1e-2, 3e-2, 1e-1 on the validation documents (default: ${DEFAULT-VALUE}).")
    String lr;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(
            names = "--out",
            required = true,
            description = "Directory for the compressed model and report (must not exist).")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The method names, for the help text. */
    static final class MethodIds extends ArrayList<String> {
        MethodIds() {
            for (CompressionMethod m : CompressionMethod.values()) add(m.id());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
        if (!new MethodIds().contains(method)) {
            throw new IllegalArgumentException(
                    "--method must be one of " + String.join(", ", new MethodIds()) + "; got '" + method + "'");
        }
        CompressionMethod compression = CompressionMethod.byId(method);
        if (!(rate > 0 && rate < 1)) throw new IllegalArgumentException("--rate must be in (0, 1), got " + rate);
        if (recoveryTokens != null && recoveryTokens < 0)
            throw new IllegalArgumentException("--recovery-tokens must be at least 0, got " + recoveryTokens);
        if (recoveryTokens != null && steps != null)
            throw new IllegalArgumentException("give --recovery-tokens or --steps, not both");
        if (steps != null && steps < 0) throw new IllegalArgumentException("--steps must be at least 0, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        if (seq < 1) throw new IllegalArgumentException("--seq must be at least 1, got " + seq);
        boolean autoLr = lr.equals("auto");
        double peak = autoLr ? RecoverySettings.DEFAULT_LR : parseLr(lr);
        RankSpec rankSpec = RankSpec.parse(rank);
        ModelLoading m = models.load();
        PrintWriter err = spec.commandLine().getErr();
        try (OutputDirectory dir = new OutputDirectory(out)) {
            int seqLen = Math.min(seq, m.model().config().maxSeqLen());
            RecoverySettings recovery = steps != null
                    ? new RecoverySettings(steps, batch, seqLen, peak, 42)
                    : RecoverySettings.ofTokens(
                            recoveryTokens == null ? RecoverySettings.DEFAULT_TOKENS : recoveryTokens,
                            batch,
                            seqLen,
                            peak,
                            42);
            TextSplit split = TextSplit.of(Files.readString(text));
            CompressionPipeline pipeline = CompressionPipeline.prepare(
                    m.model(),
                    split.recoveryData(m.tokenizer()),
                    32,
                    new HeldOutText(m.tokenizer(), split.test(), seqLen));
            Path[] checkpoint = {null};
            CompressionPipeline.Hooks hooks = CompressionPipeline.Hooks.NONE
                    .withRecoveryStart((settings, choice) -> {
                        if (!json && choice != null) err.println(choice.describe());
                        if (!json) err.println(settings.describe());
                        checkpoint[0] = ResumeFiles.checkpointBeside(
                                out, models.model, m, text, method, rate, rank, settings, seqLen);
                        return checkpoint[0];
                    })
                    .withTrainerRun(trainer -> Interrupts.run(trainer, err, "run the same command again to resume"));
            if (!json)
                hooks = hooks.withSourceSearch(Progress.of(err, "source search", "pairs"))
                        .withTraining(Progress.training(err, "recovery"));
            CompressionRun r = pipeline.run(
                    compression,
                    new CompressionPipeline.RunSettings(
                            rate, rankSpec, CompressionMethod.DEFAULT_SEED, recovery, autoLr),
                    hooks);
            String lrNote = r.lrChoice() == null ? "" : r.lrChoice().describe();
            String recoveryNote = r.recovered()
                    ? r.recovery().describe()
                    : recovery.steps() == 0
                            ? "no recovery training ran (--recovery-tokens 0)"
                            : "no recovery training: " + method + " has nothing to train";
            if (!json && !r.recovered()) err.println(recoveryNote);
            CompressedModels.save(dir.path(), r.compression().model(), method, Progress.inMegabytes(err, "save"));
            m.copyTokenizerTo(dir.path());
            CompressionRun.Measurement teacher = pipeline.measure(m.model());
            Map<String, Object> runSettings = new LinkedHashMap<>();
            runSettings.put("recovery_tokens", r.recovered() ? r.recovery().tokens() : 0L);
            runSettings.put("recovery_steps", r.recovered() ? r.recovery().steps() : 0);
            runSettings.put("peak_lr", r.recovered() ? r.recovery().lr() : 0.0);
            runSettings.put("lr_choice", r.lrChoice() != null ? "validation sweep" : "fixed");
            // wall times go to the output, not into the report files: two identical runs write identical directories
            double blockFraction = r.compression().plan().blockFraction();
            int[] pruned = r.compression().plan().pruned();
            List<EvalResult> rows = List.of(
                    CompressionReports.row(models.name(), "teacher", 0, m.model(), teacher, seqLen, Map.of()),
                    CompressionReports.row(
                            models.name(),
                            method,
                            blockFraction,
                            r.compression().model(),
                            r.measurement(),
                            seqLen,
                            runSettings));
            String title = "flexigpt compress --method " + method + " --rate " + rate + ": " + models.name();
            JsonReport.write(dir.path().resolve("report.json"), rows);
            CompressionReports.writeMarkdown(
                    dir.path().resolve("report.md"),
                    title,
                    lrNote.isEmpty() ? List.of(recoveryNote) : List.of(recoveryNote, lrNote),
                    rows);
            String paragraph = String.format(
                    Locale.ROOT,
                    "%s (%d blocks) was compressed with %s: Block Influence chose to prune %s %s "
                            + "(%.1f%% of the blocks, %.1f%% of the parameters; --rate %s asked), adapter rank %s. %s.%s "
                            + "Perplexity is measured on the last 10%% of the text's documents, which neither calibration nor recovery saw.",
                    models.name(),
                    m.model().blocks().size(),
                    compression.label(),
                    CompressionReports.blocks(pruned.length),
                    Arrays.toString(pruned),
                    100 * blockFraction,
                    100 * r.compression().plan().parameterFraction(),
                    rate,
                    rankSpec,
                    capitalised(recoveryNote),
                    lrNote.isEmpty() ? "" : " " + lrNote + ".");
            // no phase times in the page: two identical runs write identical directories (they are printed instead)
            HtmlReport.write(
                    dir.path().resolve("report.html"),
                    new CompressionReport(
                            title,
                            paragraph,
                            "Block Influence",
                            pipeline.scores(),
                            pruned,
                            CompressionReports.sources(r.compression()),
                            r.recovered() ? Map.of(method, r.recoveryLosses()) : Map.of(),
                            rows,
                            List.of(
                                    CompressionReports.parameters("teacher", teacher.account(), false),
                                    CompressionReports.parameters(
                                            method,
                                            r.measurement().account(),
                                            compression == CompressionMethod.DROP_LORA)),
                            Map.of()));
            dir.commit();
            if (checkpoint[0] != null) Files.deleteIfExists(checkpoint[0]);
            double evaluationSeconds = teacher.seconds() + r.measurement().seconds();
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> summary = new LinkedHashMap<>();
                ParameterAccount acc = r.measurement().account();
                summary.put("method", method);
                summary.put("pruned_blocks", pruned);
                summary.put("block_fraction", blockFraction);
                summary.put("sources", r.compression().sources().toString());
                summary.put("stored_parameters", acc.stored());
                summary.put("adapter_parameters", acc.adapters());
                summary.putAll(runSettings);
                summary.put("compress_seconds", r.compressionSeconds());
                summary.put("recovery_seconds", r.recoverySeconds());
                summary.put("importance_seconds", pipeline.importanceSeconds());
                summary.put("evaluation_seconds", evaluationSeconds);
                summary.put("teacher_perplexity", teacher.heldOutPerplexity());
                summary.put("perplexity", r.measurement().heldOutPerplexity());
                summary.put("out", out.toString());
                o.println(Json.write(summary));
            } else {
                o.printf(
                        Locale.ROOT,
                        "pruned blocks %s (%d of %d, %.1f%% of blocks, %.1f%% of parameters), sources %s%n",
                        Arrays.toString(pruned),
                        pruned.length,
                        m.model().blocks().size(),
                        100 * blockFraction,
                        100 * r.compression().plan().parameterFraction(),
                        r.compression().sources());
                o.println(recoveryNote);
                o.printf(
                        Locale.ROOT,
                        "phases: importance %.1f s, compression %.1f s, recovery %.1f s, evaluation %.1f s%n",
                        pipeline.importanceSeconds(),
                        r.compressionSeconds(),
                        r.recoverySeconds(),
                        evaluationSeconds);
                CompressionReports.printTable(o, rows);
                o.println("wrote " + out);
            }
            o.flush();
        }
        return 0;
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static double parseLr(String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--lr must be a positive number or 'auto', got '" + s + "'");
        }
        if (!(v > 0) || Double.isInfinite(v))
            throw new IllegalArgumentException("--lr must be a positive number or 'auto', got '" + s + "'");
        return v;
    }
}

package io.flexigpt.cli;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexityResult;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.perplexity.TextFormat;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.eval.report.MarkdownReport;
import io.flexigpt.eval.report.VerticalTable;
import io.flexigpt.eval.tasks.LmEvalOutput;
import io.flexigpt.eval.tasks.TaskResult;
import io.flexigpt.eval.tasks.Tasks;
import io.flexigpt.eval.tasks.ZeroShotEvaluator;
import io.flexigpt.eval.tasks.ZeroShotSettings;
import io.flexigpt.io.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flexigpt eval}: perplexity and zero-shot tasks. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a model.",
        subcommands = {EvalCommand.Ppl.class, EvalCommand.TasksCommand.class})
final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'eval ppl' or 'eval tasks'");
    }

    static void print(CommandSpec spec, List<EvalResult> results, boolean json) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? JsonReport.toJson(results) + "\n" : MarkdownReport.table(results));
        out.flush();
    }

    /** {@code flexigpt eval ppl}. */
    @Command(
            name = "ppl",
            mixinStandardHelpOptions = true,
            description = "Perplexity of a text file (token, word, byte perplexity and bits per byte).")
    static final class Ppl implements Callable<Integer> {
        @Mixin
        ModelOptions models;

        @Mixin
        DeviceOptions devices;

        @Option(names = "--text", required = true, description = "UTF-8 text file to score.")
        Path text;

        @Option(
                names = "--format",
                defaultValue = "plain",
                description = "plain (the file is one document) or wikitext (a raw WikiText file"
                        + " scored as lm-evaluation-harness's wikitext task: per article, detokenized, words and bytes counted before detokenizing)"
                        + " (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(
                names = "--context",
                description = "Window length in tokens (default: the model's context, at most "
                        + PerplexitySettings.DEFAULT_CONTEXT_CAP + ").")
        Integer context;

        @Option(names = "--stride", description = "Sliding-window stride (default: context / 2).")
        Integer stride;

        @Option(
                names = "--mode",
                defaultValue = "rolling",
                description = "nonoverlapping, sliding or rolling (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(
                names = "--batch",
                defaultValue = "8",
                description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            TextFormat textFormat =
                    switch (format) {
                        case "plain" -> TextFormat.PLAIN;
                        case "wikitext" -> TextFormat.WIKITEXT;
                        default ->
                            throw new picocli.CommandLine.ParameterException(
                                    spec.commandLine(), "--format must be plain or wikitext, got '" + format + "'");
                    };
            if (context != null && context < 1)
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--context must be at least 1, got " + context);
            if (stride != null && stride < 1)
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--stride must be at least 1, got " + stride);
            if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
            ModelLoading m = models.load();
            int max = m.model().config().maxSeqLen();
            if (context != null && context > max)
                throw new IllegalArgumentException(
                        "--context " + context + " exceeds the model's context of " + max + " tokens");
            int ctx = context != null ? context : PerplexitySettings.defaultContext(max);
            if (context == null) {
                spec.commandLine()
                        .getErr()
                        .println("eval ppl: context " + ctx + " tokens"
                                + (ctx < max
                                        ? " (the model allows " + max
                                                + "; longer windows need more memory: set --context)"
                                        : " (the model's)"));
            }
            PerplexitySettings settings;
            switch (mode) {
                case "nonoverlapping":
                    settings = PerplexitySettings.nonOverlapping(ctx, batch);
                    break;
                case "sliding":
                    settings = PerplexitySettings.sliding(ctx, stride != null ? stride : Math.max(1, ctx / 2), batch);
                    break;
                case "rolling":
                    settings = PerplexitySettings.rolling(ctx, batch);
                    break;
                default:
                    throw new IllegalArgumentException(
                            "--mode must be nonoverlapping, sliding or rolling, got '" + mode + "'");
            }
            ProgressListener progress = json
                    ? ProgressListener.NONE
                    : Progress.of(spec.commandLine().getErr(), "scoring", "tokens");
            PerplexityResult r;
            try (DeviceOptions.Inference inference =
                    devices.open(m.model(), spec.commandLine().getErr())) {
                r = new PerplexityEvaluator(inference.scoring(m.tokenizer(), ctx), settings)
                        .evaluateFile(text, textFormat, progress);
            }
            if (!json) {
                spec.commandLine()
                        .getOut()
                        .println("perplexity: " + settings.mode().name().toLowerCase(java.util.Locale.ROOT)
                                + " windows of " + settings.contextLength() + " tokens, stride " + settings.stride()
                                + " (" + r.scoredTokens() + " of " + r.tokens() + " tokens scored, " + r.documents()
                                + " document(s))");
            }
            print(spec, r.toResults(models.name(), text.getFileName().toString()), json);
            return 0;
        }
    }

    /** {@code flexigpt eval tasks}. */
    @Command(
            name = "tasks",
            mixinStandardHelpOptions = true,
            description = "Zero-shot multiple-choice tasks scored as lm-evaluation-harness does.")
    static final class TasksCommand implements Callable<Integer> {
        @Mixin
        ModelOptions models;

        @Mixin
        DeviceOptions devices;

        @Option(names = "--tasks-dir", required = true, description = "Folder laid out like shared/data/tasks.")
        Path tasksDir;

        @Option(
                names = "--task",
                description = "Task name (repeatable; default: all of ${COMPLETION-CANDIDATES}).",
                completionCandidates = TaskNames.class)
        List<String> tasks = new ArrayList<>();

        @Option(
                names = "--bos",
                defaultValue = "auto",
                description =
                        "Prepend BOS to contexts: auto (the tokenizer's own add_bos_token, as"
                                + " lm-evaluation-harness >= 0.4.9.2), always, or never (lm-evaluation-harness 0.4.0-0.4.9.1) (default: ${DEFAULT-VALUE}).")
        String bos;

        @Option(
                names = "--limit",
                defaultValue = "0",
                description = "Only the first N items of each task, as lm-evaluation-harness's --limit; 0 = all.")
        int limit;

        @Option(
                names = "--sample",
                defaultValue = "0",
                description = "A seeded random subset of N items per task (before --limit); 0 = none.")
        int sample;

        @Option(names = "--seed", defaultValue = "1234", description = "Seed of --sample (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--output-path",
                description = "Write lm-evaluation-harness-shaped results: a directory (results.json) or a .json file.")
        Path outputPath;

        @Option(
                names = "--log-samples",
                description =
                        "With --output-path: also write samples_<task>.jsonl (per item: requests, log-likelihoods, answer, target).")
        boolean logSamples;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(tasksDir))
                throw new NoSuchFileException(tasksDir.toString(), null, "no such tasks folder");
            if (logSamples && outputPath == null)
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--log-samples needs --output-path");
            List<String> names = new ArrayList<>();
            for (String n : tasks.isEmpty() ? Tasks.NAMES : tasks) names.add(Tasks.canonicalName(n));
            ModelLoading m = models.load();
            boolean prependBos =
                    switch (bos) {
                        case "auto" -> m.tokenizer().addsBos();
                        case "always" -> true;
                        case "never" -> false;
                        default ->
                            throw new picocli.CommandLine.ParameterException(
                                    spec.commandLine(), "--bos must be auto, always or never, got '" + bos + "'");
                    };
            PrintWriter err = spec.commandLine().getErr();
            List<EvalResult> results = new ArrayList<>();
            List<TaskResult> runs = new ArrayList<>();
            try (DeviceOptions.Inference inference = devices.open(m.model(), err)) {
                ZeroShotEvaluator ev = new ZeroShotEvaluator(
                        inference.scoring(m.tokenizer(), m.model().config().maxSeqLen()),
                        new ZeroShotSettings(16, prependBos, limit, sample, seed));
                for (String n : names) {
                    ProgressListener p = json ? ProgressListener.NONE : Progress.of(err, n, "requests");
                    TaskResult run = ev.evaluate(Tasks.load(n, tasksDir), p);
                    if (run.skipped() > 0) {
                        err.println(n + ": skipped " + run.skipped()
                                + " item(s) whose continuation does not fit the context of "
                                + m.model().config().maxSeqLen() + " tokens");
                    }
                    runs.add(run);
                    results.addAll(run.toResults(models.name()));
                }
            }
            if (outputPath != null) {
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("model", models.name());
                config.put("batch_size", 16L);
                config.put("limit", limit == 0 ? null : (Object) (long) limit);
                config.put("sample", sample == 0 ? null : (Object) (long) sample);
                config.put("random_seed", seed);
                config.put("bos", bos);
                config.put("prepend_bos", prependBos);
                config.put("bootstrap_iters", 10_000L);
                LmEvalOutput.write(outputPath, runs, models.name(), config, logSamples);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!json)
                out.println("bos: " + bos + " (contexts " + (prependBos ? "start with BOS" : "without BOS") + ")"
                        + (limit > 0 ? ", first " + limit + " items" : "")
                        + (sample > 0 ? ", seeded sample of " + sample + " (seed " + seed + ")" : ""));
            out.print(json ? JsonReport.toJson(results) + "\n" : VerticalTable.table(results));
            out.flush();
            return 0;
        }
    }

    /** Completion candidates: the task names. */
    static final class TaskNames extends ArrayList<String> {
        TaskNames() {
            super(Tasks.NAMES);
        }
    }
}

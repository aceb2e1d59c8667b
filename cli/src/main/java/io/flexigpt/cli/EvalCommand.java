package io.flexigpt.cli;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.ProgressListener;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexityResult;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.perplexity.TextFormat;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.eval.report.MarkdownReport;
import io.flexigpt.eval.tasks.Tasks;
import io.flexigpt.eval.tasks.ZeroShotEvaluator;
import io.flexigpt.eval.tasks.ZeroShotSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flexigpt eval}: perplexity and zero-shot tasks. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model.", subcommands = {EvalCommand.Ppl.class, EvalCommand.TasksCommand.class})
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
    @Command(name = "ppl", mixinStandardHelpOptions = true, description = "Perplexity of a text file (token, word, byte perplexity and bits per byte).")
    static final class Ppl implements Callable<Integer> {
        @Mixin
        ModelOptions models;

        @Mixin
        DeviceOptions devices;

        @Option(names = "--text", required = true, description = "UTF-8 text file to score.")
        Path text;

        @Option(names = "--format", defaultValue = "plain", description = "plain (the file is one document) or wikitext (a raw WikiText file"
                + " scored as lm-evaluation-harness's wikitext task: per article, detokenized, words and bytes counted before detokenizing)"
                + " (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--context", description = "Window length in tokens (default: the model's context, at most "
                + PerplexitySettings.DEFAULT_CONTEXT_CAP + ").")
        Integer context;

        @Option(names = "--stride", description = "Sliding-window stride (default: context / 2).")
        Integer stride;

        @Option(names = "--mode", defaultValue = "rolling", description = "nonoverlapping, sliding or rolling (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--batch", defaultValue = "8", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            TextFormat textFormat = switch (format) {
                case "plain" -> TextFormat.PLAIN;
                case "wikitext" -> TextFormat.WIKITEXT;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be plain or wikitext, got '" + format + "'");
            };
            if (context != null && context < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--context must be at least 1, got " + context);
            if (stride != null && stride < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stride must be at least 1, got " + stride);
            if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
            ModelLoading m = models.load();
            int max = m.model().config().maxSeqLen();
            if (context != null && context > max) throw new IllegalArgumentException("--context " + context + " exceeds the model's context of " + max + " tokens");
            int ctx = context != null ? context : PerplexitySettings.defaultContext(max);
            if (context == null) {
                spec.commandLine().getErr().println("eval ppl: context " + ctx + " tokens" + (ctx < max
                        ? " (the model allows " + max + "; longer windows need more memory: set --context)" : " (the model's)"));
            }
            PerplexitySettings settings;
            switch (mode) {
                case "nonoverlapping": settings = PerplexitySettings.nonOverlapping(ctx, batch); break;
                case "sliding": settings = PerplexitySettings.sliding(ctx, stride != null ? stride : Math.max(1, ctx / 2), batch); break;
                case "rolling": settings = PerplexitySettings.rolling(ctx, batch); break;
                default: throw new IllegalArgumentException("--mode must be nonoverlapping, sliding or rolling, got '" + mode + "'");
            }
            ProgressListener progress = json ? ProgressListener.NONE : Progress.of(spec.commandLine().getErr(), "scoring", "tokens");
            PerplexityResult r;
            try (DeviceOptions.Inference inference = devices.open(m.model(), spec.commandLine().getErr())) {
                r = new PerplexityEvaluator(inference.scoring(m.tokenizer(), ctx), settings).evaluateFile(text, textFormat, progress);
            }
            print(spec, r.toResults(models.name(), text.getFileName().toString()), json);
            return 0;
        }
    }

    /** {@code flexigpt eval tasks}. */
    @Command(name = "tasks", mixinStandardHelpOptions = true, description = "Zero-shot multiple-choice tasks scored as lm-evaluation-harness does.")
    static final class TasksCommand implements Callable<Integer> {
        @Mixin
        ModelOptions models;

        @Mixin
        DeviceOptions devices;

        @Option(names = "--tasks-dir", required = true, description = "Folder laid out like shared/data/tasks.")
        Path tasksDir;

        @Option(names = "--task", description = "Task name (repeatable; default: all of ${COMPLETION-CANDIDATES}).", completionCandidates = TaskNames.class)
        List<String> tasks = new ArrayList<>();

        @Option(names = "--limit", defaultValue = "0", description = "Items per task, a seeded random subset; 0 = all.")
        int limit;

        @Option(names = "--seed", defaultValue = "1234", description = "Subsampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(tasksDir)) throw new NoSuchFileException(tasksDir.toString(), null, "no such tasks folder");
            List<String> names = tasks.isEmpty() ? Tasks.NAMES : tasks;
            for (String n : names) if (!Tasks.NAMES.contains(n)) throw new IllegalArgumentException("unknown task '" + n + "'; known: " + Tasks.NAMES);
            ModelLoading m = models.load();
            List<EvalResult> results = new ArrayList<>();
            try (DeviceOptions.Inference inference = devices.open(m.model(), spec.commandLine().getErr())) {
                ZeroShotEvaluator ev = new ZeroShotEvaluator(inference.scoring(m.tokenizer(), m.model().config().maxSeqLen()),
                        new ZeroShotSettings(16, true, limit, seed));
                for (String n : names) {
                    ProgressListener p = json ? ProgressListener.NONE : Progress.of(spec.commandLine().getErr(), n, "requests");
                    results.addAll(ev.evaluate(Tasks.load(n, tasksDir), p).toResults(models.name()));
                }
            }
            print(spec, results, json);
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

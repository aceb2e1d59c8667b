package io.flexigpt.cli;

import io.flexigpt.compress.CompressionMethod;
import io.flexigpt.compress.CompressionPipeline;
import io.flexigpt.compress.CompressionRun;
import io.flexigpt.compress.HeldOutText;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.report.CompressionReport;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.nn.tokenizer.BpeTrainer;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.tensor.io.StoredType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flexigpt demo}: the whole pipeline on a built-in default. English Europarl text (shipped inside a
 * Maven artifact) trains a BPE tokenizer and a small Llama teacher (cached); Block Influence picks the blocks;
 * FlexiGPT, ShortGPT's drop and drop + LoRA compress by 30%; the trainable ones get the same short recovery;
 * held-out perplexities go to a table and to JSON, Markdown and HTML reports. With {@code --model} and
 * {@code --text} the same pipeline runs on a real checkpoint.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the FlexiGPT pipeline end to end on a built-in default (or --model/--text).")
final class DemoCommand implements Callable<Integer> {
    /** The sizes of one demo run; adapter ranks are a fraction of each projection's smaller side. */
    record Settings(
            int englishLines,
            int vocab,
            int dim,
            int layers,
            int heads,
            int hidden,
            int seq,
            int batch,
            int teacherSteps,
            double rankFraction,
            int recoverySteps,
            int heldOutChars) {
        static final Settings DEFAULT = new Settings(20_000, 1024, 128, 6, 4, 352, 128, 16, 800, 0.25, 150, 60_000);
        static final Settings QUICK = new Settings(1_500, 400, 32, 4, 2, 88, 32, 8, 30, 0.125, 4, 4_000);

        String key() {
            return "v1-" + englishLines + "-" + vocab + "-" + dim + "x" + layers + "-" + heads + "-" + hidden + "-"
                    + seq + "-" + batch + "-" + teacherSteps;
        }
    }

    @Option(names = "--model", description = "Run on this checkpoint instead of the built-in teacher (needs --text).")
    Path model;

    @Option(names = "--tokenizer", description = "Tokenizer for --model (default: the model's own).")
    Path tokenizer;

    @Option(names = "--text", description = "Text for calibration, recovery and held-out perplexity with --model.")
    Path text;

    @Option(
            names = "--out",
            defaultValue = "flexigpt-demo",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--cache",
            description = "Cache directory (default: $XDG_CACHE_HOME/flexigpt or ~/.cache/flexigpt).")
    Path cache;

    @Option(names = "--quick", description = "Tiny sizes (seconds instead of minutes), for tests.")
    boolean quick;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        if (model == null && (text != null || tokenizer != null))
            throw new IllegalArgumentException("--text and --tokenizer go with --model");
        Settings s = quick ? Settings.QUICK : Settings.DEFAULT;
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        LlamaModel teacher;
        Tokenizer tok;
        TokenDataset data;
        List<String> heldOut;
        String name;
        Path teacherDir = null;
        if (model != null) {
            if (text == null)
                throw new IllegalArgumentException("--model needs --text (calibration, recovery and held-out text)");
            ModelLoading m = ModelLoading.load(model, tokenizer);
            teacher = m.model();
            tok = m.tokenizer();
            String all = Files.readString(text);
            data = TokenDataset.encode(all, tok, null, 0.1);
            heldOut = HeldOutText.lastDocuments(all, 0.1);
            name = model.getFileName().toString();
        } else {
            Path dir = cacheRoot().resolve("demo-" + s.key());
            Files.createDirectories(dir);
            o.println("reading the English lines of the Europarl sample...");
            o.flush();
            Europarl.Split split = Europarl.load(s.englishLines());
            Path tokFile = dir.resolve("tokenizer.bin");
            if (!Files.exists(tokFile)) {
                o.printf(
                        "training a BPE tokenizer (%d tokens) on %d lines...%n",
                        s.vocab(), split.train().size());
                o.flush();
                BpeTrainer.train(split.train(), s.vocab(), tokFile);
            }
            tok = Llama2cTokenizer.load(tokFile);
            data = TokenDataset.encode(
                    String.join("\n\n", split.train()) + "\n\n" + String.join("\n\n", split.heldOut()),
                    tok,
                    null,
                    (double) split.heldOut().size()
                            / (split.train().size() + split.heldOut().size()));
            String held = String.join("\n\n", split.heldOut());
            heldOut = List.of(held.substring(0, Math.min(held.length(), s.heldOutChars())));
            teacher = teacher(dir, s, tok, data, o, err);
            teacherDir = dir.resolve("teacher");
            if (!Files.exists(teacherDir.resolve("tokenizer.bin")))
                Files.copy(tokFile, teacherDir.resolve("tokenizer.bin"));
            name = "europarl-teacher";
        }
        int seq = Math.min(s.seq(), teacher.config().maxSeqLen());
        CompressionPipeline pipeline =
                CompressionPipeline.prepare(teacher, data, 16, new HeldOutText(tok, heldOut, seq));
        double[] scores = pipeline.scores();
        o.printf("Block Influence: %s%n", fmt(scores));
        o.flush();
        RecoverySettings recovery = new RecoverySettings(s.recoverySteps(), 8, seq, RecoverySettings.DEFAULT_LR, 42);
        double rate = 0.3;
        RankSpec rank = RankSpec.fraction(s.rankFraction());
        o.println(recovery.describe() + ", for each trainable method");
        o.flush();
        CompressionPipeline.RunSettings run =
                new CompressionPipeline.RunSettings(rate, rank, CompressionMethod.DEFAULT_SEED, recovery, false);
        CompressionRun flexi =
                pipeline.run(CompressionMethod.FLEXIGPT, run, recoveryProgress(err, "FlexiGPT recovery"));
        o.printf(
                "FlexiGPT: pruned blocks %s replaced by blocks sharing %s%n",
                Arrays.toString(flexi.compression().plan().pruned()),
                flexi.compression().sources());
        o.flush();
        CompressionRun drop = pipeline.run(CompressionMethod.DROP, run, CompressionPipeline.Hooks.NONE);
        CompressionRun dropLora =
                pipeline.run(CompressionMethod.DROP_LORA, run, recoveryProgress(err, "drop+LoRA recovery"));
        CompressionRun.Measurement teacherMeasured = pipeline.measure(teacher);
        // the demo's own names for the methods, in the order of its table
        Map<String, CompressionRun> runs = new LinkedHashMap<>();
        runs.put("ShortGPT drop", drop);
        runs.put("drop + LoRA", dropLora);
        runs.put("FlexiGPT", flexi);
        List<EvalResult> rows = new ArrayList<>();
        rows.add(CompressionReports.row(name, "teacher", 0, teacher, teacherMeasured, seq, Map.of()));
        runs.forEach((label, r) -> rows.add(CompressionReports.row(
                name,
                label,
                r.compression().plan().blockFraction(),
                r.compression().model(),
                r.measurement(),
                seq,
                Map.of())));
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("importance", pipeline.importanceSeconds());
        phases.put(
                "compression",
                runs.values().stream()
                        .mapToDouble(CompressionRun::compressionSeconds)
                        .sum());
        phases.put(
                "recovery",
                runs.values().stream()
                        .mapToDouble(CompressionRun::recoverySeconds)
                        .sum());
        phases.put(
                "evaluation",
                teacherMeasured.seconds()
                        + runs.values().stream()
                                .mapToDouble(r -> r.measurement().seconds())
                                .sum());
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (String label : List.of("FlexiGPT", "drop + LoRA"))
            if (runs.get(label).recovered()) losses.put(label, runs.get(label).recoveryLosses());
        o.println();
        CompressionReports.printTable(o, rows);
        double pruned = flexi.compression().plan().blockFraction();
        String title = "FlexiGPT demo: " + name;
        String summary = String.format(
                Locale.ROOT,
                "%s (%d blocks) was compressed by Block Influence pruning of %s %s (%.0f%% of the blocks, "
                        + "%.0f%% of the parameters; %.0f%% asked), by ShortGPT's drop, by drop + LoRA and by FlexiGPT (replacement blocks sharing a kept "
                        + "block's weights, adapter rank %s of each projection's smaller side). The trainable ones then had the same %s. "
                        + "Perplexity is measured on held-out text.",
                name,
                teacher.blocks().size(),
                CompressionReports.blocks(flexi.compression().plan().pruned().length),
                Arrays.toString(flexi.compression().plan().pruned()),
                100 * pruned,
                100 * flexi.compression().plan().parameterFraction(),
                100 * rate,
                rank,
                recovery.describe());
        List<CompressionReport.Parameters> parameters = List.of(
                CompressionReports.parameters("teacher", teacherMeasured.account(), false),
                CompressionReports.parameters(
                        "ShortGPT drop", drop.measurement().account(), false),
                CompressionReports.parameters(
                        "drop + LoRA", dropLora.measurement().account(), true),
                CompressionReports.parameters("FlexiGPT", flexi.measurement().account(), false));
        CompressionReport report = new CompressionReport(
                title,
                summary,
                "Block Influence",
                scores,
                flexi.compression().plan().pruned(),
                CompressionReports.sources(flexi.compression()),
                losses,
                rows,
                parameters,
                phases);
        try (OutputDirectory dir = new OutputDirectory(uniqueOut())) {
            JsonReport.write(dir.path().resolve("report.json"), rows);
            CompressionReports.writeMarkdown(
                    dir.path().resolve("report.md"), title, List.of(recovery.describe()), rows);
            HtmlReport.write(dir.path().resolve("report.html"), report);
            dir.commit();
        }
        o.printf(
                Locale.ROOT,
                "phases: importance %.1f s, compression %.1f s, recovery %.1f s, evaluation %.1f s%n",
                phases.get("importance"),
                phases.get("compression"),
                phases.get("recovery"),
                phases.get("evaluation"));
        o.printf(
                "%nreports in %s (report.html opens in any browser); %.0f s in all%n",
                uniqueOutChosen, (System.nanoTime() - t0) / 1e9);
        if (teacherDir != null)
            o.printf("the teacher: ./flexigpt generate --model %s --prompt \"The Commission\"%n", teacherDir);
        o.flush();
        return 0;
    }

    private Path uniqueOutChosen;

    /** {@code --out}, or {@code --out-2}, {@code -3}... when it already exists. */
    private Path uniqueOut() {
        Path p = out;
        for (int i = 2; Files.exists(p); i++) p = Paths.get(out.toString() + "-" + i);
        uniqueOutChosen = p;
        return p;
    }

    private Path cacheRoot() {
        if (cache != null) return cache;
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank()
                ? Paths.get(xdg, "flexigpt")
                : Paths.get(System.getProperty("user.home"), ".cache", "flexigpt");
    }

    /** The cached teacher, or a newly trained one (resumable: training checkpoints live in the cache). */
    private static LlamaModel teacher(
            Path dir, Settings s, Tokenizer tok, TokenDataset data, PrintWriter o, PrintWriter err) throws Exception {
        Path modelDir = dir.resolve("teacher");
        if (Files.exists(modelDir.resolve("config.json"))) {
            o.println("using the cached teacher in " + modelDir);
            o.flush();
            return LlamaModel.fromCheckpoint(HfCheckpoint.read(modelDir));
        }
        LlamaConfig cfg = LlamaConfig.builder()
                .dim(s.dim())
                .layers(s.layers())
                .heads(s.heads())
                .hiddenDim(s.hidden())
                .vocabSize(tok.vocabSize())
                .maxSeqLen(Math.max(256, s.seq()))
                .tiedEmbeddings(true)
                .build();
        o.printf(
                "training the teacher: dim %d, %d blocks, %d steps of %d x %d tokens (cached afterwards)...%n",
                s.dim(), s.layers(), s.teacherSteps(), s.batch(), s.seq());
        o.flush();
        LlamaModel model = LlamaModel.random(cfg, 2025);
        TrainConfig tc = TrainConfig.builder()
                .steps(s.teacherSteps())
                .batchSize(s.batch())
                .seqLen(s.seq())
                .lr(3e-3)
                .minLr(3e-4)
                .warmupSteps(Math.max(1, s.teacherSteps() / 20))
                .weightDecay(0.1)
                .evalEvery(Math.max(1, s.teacherSteps() / 4))
                .evalWindows(32)
                .checkpointEvery(Math.max(10, s.teacherSteps() / 10))
                .seed(7)
                .build();
        Path checkpoint = dir.resolve("teacher-training.safetensors");
        Interrupts.run(
                new Trainer(
                        model, data, tc, LossFunction.crossEntropy(), checkpoint, Progress.training(err, "teacher")),
                err,
                "run the demo again to resume training the teacher");
        HfCheckpoint.write(modelDir, model.toCheckpoint(), StoredType.F32);
        Files.delete(checkpoint);
        return model;
    }

    /** A run's hooks that show its recovery as a progress bar called {@code label}. */
    private static CompressionPipeline.Hooks recoveryProgress(PrintWriter err, String label) {
        return CompressionPipeline.Hooks.NONE.withTraining(Progress.training(err, label));
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format("%.4f", v[i]));
        return sb.append("]").toString();
    }
}

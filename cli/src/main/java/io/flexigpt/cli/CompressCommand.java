package io.flexigpt.cli;

import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressedModels;
import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.ProgressListener;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.io.Json;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flexigpt compress}: FlexiGPT or a baseline, recovery, and the compressed model with its report. */
@Command(name = "compress", mixinStandardHelpOptions = true, description = "Compress a model (FlexiGPT or a baseline), recover it, and save it with a report.")
final class CompressCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Option(names = "--text", required = true, description = "Text for calibration, recovery and the held-out measurement (last 10%% of its documents).")
    Path text;

    @Option(names = "--method", defaultValue = "flexigpt", description = "flexigpt, drop, drop-lora or sleb (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--rate", defaultValue = "0.3", description = "Fraction of blocks to prune (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank, absolute (8) or a fraction (0.25) (default: ${DEFAULT-VALUE}).")
    String rank;

    @Option(names = "--recovery-tokens", defaultValue = "0", description = "Recovery training budget in tokens (steps of 8 x --seq tokens), 0 = none (default: ${DEFAULT-VALUE}).")
    long recoveryTokens;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--out", required = true, description = "Directory for the compressed model and report (must not exist).")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
        Pipeline.checkMethod(method);
        if (!(rate > 0 && rate < 1)) throw new IllegalArgumentException("--rate must be in (0, 1), got " + rate);
        if (recoveryTokens < 0) throw new IllegalArgumentException("--recovery-tokens must be at least 0, got " + recoveryTokens);
        RankSpec rankSpec = RankSpec.parse(rank);
        ModelLoading m = models.load();
        try (OutputDirectory dir = new OutputDirectory(out)) {
            int seqLen = Math.min(seq, m.model().config().maxSeqLen());
            TokenDataset data = TokenDataset.encode(Files.readString(text), m.tokenizer(), null, 0.1);
            CalibrationData calib = Pipeline.calibration(data, 32, seqLen);
            double[] scores = Pipeline.importance(m.model(), calib, "bi");
            int steps = recoveryTokens == 0 ? 0 : (int) Math.max(1, recoveryTokens / (8L * seqLen));
            TrainConfig recovery = steps > 0 ? new TrainConfig(steps, 8, seqLen, 1e-3, 1e-4, Math.max(1, steps / 10), 0.0, 1.0, 0, 0, Math.max(10, steps / 10), 42) : null;
            PrintWriter err = spec.commandLine().getErr();
            CompressionResult r = Pipeline.compress(m.model(), method, rate, rankSpec, scores, calib, 0);
            Path checkpoint = recovery == null ? null : Pipeline.checkpointBeside(out, models.model, m, text, method, rate, rank, recoveryTokens, seqLen);
            if (recovery != null) {
                Pipeline.recover(m.model(), r.model(), data, recovery, checkpoint, json ? null : TrainingProgress.of(err, "recovery"), err);
            }
            CompressedModels.save(dir.path(), r.model(), method);
            m.copyTokenizerTo(dir.path());
            List<String> held = Pipeline.heldOutDocuments(Files.readString(text), 0.1);
            ProgressListener p = ProgressListener.NONE;
            List<EvalResult> rows = new ArrayList<>();
            rows.add(Pipeline.row(models.name(), "teacher", 0, m.model(), Pipeline.heldOutPerplexity(m.model(), m.tokenizer(), held, seqLen, p), seqLen));
            rows.add(Pipeline.row(models.name(), method, rate, r.model(), Pipeline.heldOutPerplexity(r.model(), m.tokenizer(), held, seqLen, p), seqLen));
            JsonReport.write(dir.path().resolve("report.json"), rows);
            Pipeline.writeMarkdown(dir.path().resolve("report.md"), "flexigpt compress --method " + method + " --rate " + rate + ": " + models.name(), rows);
            dir.commit();
            if (checkpoint != null) Files.deleteIfExists(checkpoint);
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> summary = new LinkedHashMap<>();
                ParameterAccount acc = ParameterAccount.of(r.model());
                summary.put("method", method);
                summary.put("pruned_blocks", r.plan().pruned());
                summary.put("sources", r.sources().toString());
                summary.put("stored_parameters", acc.stored());
                summary.put("adapter_parameters", acc.adapters());
                summary.put("teacher_perplexity", rows.get(0).value());
                summary.put("perplexity", rows.get(1).value());
                summary.put("out", out.toString());
                o.println(Json.write(summary));
            } else {
                o.printf("pruned blocks %s, sources %s%n", java.util.Arrays.toString(r.plan().pruned()), r.sources());
                Pipeline.printTable(o, rows);
                o.println("wrote " + out);
            }
            o.flush();
        }
        return 0;
    }
}

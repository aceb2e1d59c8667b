package io.flexigpt.cli;

import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressionPipeline;
import io.flexigpt.compress.ImportanceMetric;
import io.flexigpt.io.Json;
import io.flexigpt.nn.train.TokenDataset;
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

/** {@code flexigpt importance}: per-block importance scores on calibration text. */
@Command(
        name = "importance",
        mixinStandardHelpOptions = true,
        description = "Score every block's importance on calibration text.")
final class ImportanceCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Option(names = "--text", required = true, description = "Calibration text file.")
    Path text;

    @Option(
            names = "--metric",
            defaultValue = "bi",
            description = "bi (Block Influence), ppl, l2 or taylor (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--windows", defaultValue = "32", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
        if (windows < 1 || seq < 2)
            throw new IllegalArgumentException("--windows must be at least 1 and --seq at least 2");
        ImportanceMetric scorer = ImportanceMetric.byName(metric);
        ModelLoading m = models.load();
        TokenDataset data = TokenDataset.encode(Files.readString(text), m.tokenizer(), null, 0.0);
        CalibrationData calib = CompressionPipeline.calibration(
                data, windows, Math.min(seq, m.model().config().maxSeqLen()));
        double[] scores = scorer.finiteScores(m.model(), calib);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", metric);
            List<Object> s = new ArrayList<>();
            for (double v : scores) s.add(v);
            o.put("scores", s);
            o.put("calibration_tokens", calib.tokens());
            o.put("seq_len", calib.seqLen());
            out.println(Json.write(o));
        } else {
            out.printf(
                    "%s importance over %d calibration tokens (windows of %d):%n",
                    metric, calib.tokens(), calib.seqLen());
            for (int i = 0; i < scores.length; i++) out.printf("block %2d  %.6f%n", i, scores[i]);
        }
        out.flush();
        return 0;
    }
}

package io.flexigpt.cli;

import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.ImportanceMetric;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.Recovery;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.eval.ProgressListener;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.nn.train.TrainingListener;
import io.flexigpt.io.ContentDigest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The compression steps shared by {@code compress} and {@code demo}: calibrate, compress by a method, recover, measure. */
final class Pipeline {
    private Pipeline() {}

    /** The last {@code fraction} of the blank-line separated documents of {@code text} (as TokenDataset splits them), joined. */
    static List<String> heldOutDocuments(String text, double fraction) {
        List<String> docs = new ArrayList<>();
        for (String d : text.split("\\n\\s*\\n")) if (!d.isBlank()) docs.add(d.strip());
        int n = Math.max(1, (int) Math.round(docs.size() * fraction));
        return List.of(String.join("\n\n", docs.subList(docs.size() - n, docs.size())));
    }

    static CalibrationData calibration(TokenDataset data, int windows, int seqLen) {
        return CalibrationData.sample(data.train(), windows, seqLen, 8, 11);
    }

    static double[] importance(LlamaModel model, CalibrationData calib, String metric) {
        return finiteScores(metric, ImportanceMetric.byName(metric).score(model, calib));
    }

    /** {@code scores} when every one is finite; a NaN or infinite importance is an error, never a printed number. */
    static double[] finiteScores(String metric, double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) throw new ArithmeticException(metric + " importance of block " + i + " is " + scores[i] + "; the model's activations are not finite");
        }
        return scores;
    }

    /**
     * Recovery training of {@code student} against {@code teacher} (KL + cross-entropy), when it has anything
     * trainable. With a {@code checkpoint} file, Ctrl-C saves it and a rerun resumes from it.
     */
    static void recover(LlamaModel teacher, LlamaModel student, TokenDataset data, RecoverySettings settings, Path checkpoint,
                        TrainingListener listener, PrintWriter err) throws IOException, Interrupts.Stopped {
        if (student.trainableParameterCount() == 0 || settings.steps() == 0) return;
        Trainer trainer = Recovery.trainer(student, data, settings, Recovery.distillation(teacher, 1.0, 1.0), checkpoint, listener);
        if (checkpoint == null) trainer.run();
        else Interrupts.run(trainer, err, "run the same command again to resume");
    }

    /**
     * Where a command writing {@code out} keeps its training checkpoint until it finishes: a hidden file beside
     * {@code out}, named after a digest of the contents of the model (for a directory: its config.json and
     * safetensors files), the tokenizer file, the text and the settings, so that a rerun with another model,
     * tokenizer, text or setting starts afresh even when the paths are the same.
     */
    static Path checkpointBeside(Path out, Path model, ModelLoading loaded, Path text, Object... settings) throws IOException {
        ContentDigest digest = ContentDigest.sha256();
        for (Path f : modelFiles(model)) digest.text(Files.isDirectory(model) ? f.getFileName().toString() : "model").file(f);
        if (loaded.tokenizerFile() != null) digest.text("tokenizer").file(loaded.tokenizerFile());
        digest.text("text").file(text).text(Arrays.deepToString(settings));
        Path abs = out.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + ".training-" + digest.hex(16) + ".safetensors");
    }

    /** The files whose bytes make up a model: the file itself, or a directory's config.json, index and safetensors files, by name. */
    static List<Path> modelFiles(Path model) throws IOException {
        if (!Files.isDirectory(model)) return List.of(model);
        try (Stream<Path> s = Files.list(model)) {
            return s.filter(p -> Files.isRegularFile(p) && (p.getFileName().toString().equals("config.json") || p.getFileName().toString().endsWith(".safetensors")
                    || p.getFileName().toString().endsWith(".safetensors.index.json"))).sorted().toList();
        }
    }

    /** Held-out token perplexity over non-overlapping windows of {@code seqLen}. */
    static double heldOutPerplexity(LlamaModel model, Tokenizer tok, List<String> docs, int seqLen, ProgressListener progress) {
        LlamaScoringModel scoring = new LlamaScoringModel(model, tok, seqLen);
        return new PerplexityEvaluator(scoring, PerplexitySettings.nonOverlapping(seqLen, 8)).evaluate(docs, progress).tokenPerplexity();
    }

    /** A report row; {@code rate} is the fraction of blocks actually pruned; {@code extra} settings are added after the standard ones. */
    static EvalResult row(String model, String method, double rate, LlamaModel m, double ppl, int seqLen, Map<String, Object> extra) {
        ParameterAccount acc = ParameterAccount.of(m);
        Map<String, Object> settings = new LinkedHashMap<>(); // insertion order: the report is byte-reproducible
        settings.put(HtmlReport.METHOD, method);
        settings.put(HtmlReport.COMPRESSION_RATE, rate);
        settings.put("blocks", m.blocks().size());
        settings.put("stored_parameters", acc.stored());
        settings.put("trainable_parameters", acc.trainable());
        settings.put("context", seqLen);
        settings.putAll(extra);
        return new EvalResult(method, "held-out " + model, "token_perplexity", ppl, Double.NaN, 0, settings);
    }

    /** A Markdown report: the title, one paragraph per note, the method table (blocks, stored and trainable parameters, held-out perplexity). */
    static void writeMarkdown(Path file, String title, List<String> notes, List<EvalResult> rows) throws IOException {
        StringBuilder md = new StringBuilder("# " + title + "\n\n");
        for (String n : notes) md.append(n).append("\n\n");
        md.append("| method | rate | blocks | stored parameters | trainable parameters | held-out ppl |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (EvalResult r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f%% | %s | %,d | %,d | %.3f |%n", r.settings().get(HtmlReport.METHOD),
                    100 * ((Number) r.settings().get(HtmlReport.COMPRESSION_RATE)).doubleValue(), r.settings().get("blocks"),
                    ((Number) r.settings().get("stored_parameters")).longValue(), ((Number) r.settings().get("trainable_parameters")).longValue(), r.value()));
        }
        Files.writeString(file, md);
    }

    static void printTable(PrintWriter out, List<EvalResult> rows) {
        out.printf("%-22s %6s %7s %12s %12s%n", "method", "rate", "blocks", "stored", "held-out ppl");
        for (EvalResult r : rows) {
            out.printf("%-22s %5.0f%% %7s %,12d %12.3f%n", r.settings().get(HtmlReport.METHOD), 100 * ((Number) r.settings().get(HtmlReport.COMPRESSION_RATE)).doubleValue(),
                    r.settings().get("blocks"), ((Number) r.settings().get("stored_parameters")).longValue(), r.value());
        }
        out.flush();
    }
}

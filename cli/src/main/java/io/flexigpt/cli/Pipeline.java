package io.flexigpt.cli;

import io.flexigpt.compress.Baselines;
import io.flexigpt.compress.BlockInfluence;
import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.FlexiGpt;
import io.flexigpt.compress.FlexiGptConfig;
import io.flexigpt.compress.ImportanceMetric;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.Recovery;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.eval.ProgressListener;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The compression steps shared by {@code compress} and {@code demo}: calibrate, compress by a method, recover, measure. */
final class Pipeline {
    private Pipeline() {}

    /** The last {@code fraction} of the blank-line separated documents of {@code text} (as TokenDataset splits them), joined. */
    static List<String> heldOutDocuments(String text, double fraction) {
        List<String> docs = new java.util.ArrayList<>();
        for (String d : text.split("\\n\\s*\\n")) if (!d.isBlank()) docs.add(d.strip());
        int n = Math.max(1, (int) Math.round(docs.size() * fraction));
        return List.of(String.join("\n\n", docs.subList(docs.size() - n, docs.size())));
    }

    static CalibrationData calibration(TokenDataset data, int windows, int seqLen) {
        return CalibrationData.sample(data.train(), windows, seqLen, 8, 11);
    }

    static double[] importance(LlamaModel model, CalibrationData calib, String metric) {
        return ImportanceMetric.byName(metric).score(model, calib);
    }

    /**
     * Compresses {@code teacher} with {@code method} and, when it leaves anything trainable and
     * {@code recovery} is not null, runs recovery on it. {@code budget} is the trainable-parameter budget for
     * drop-lora (FlexiGPT's count at the same rate and rank when 0).
     */
    static CompressionResult compress(LlamaModel teacher, String method, double rate, RankSpec rank, double[] scores, CalibrationData calib,
                                      long budget, TokenDataset data, TrainConfig recovery, TrainingListener listener) throws IOException {
        CompressionResult r;
        switch (method) {
            case "flexigpt": r = FlexiGpt.compress(teacher, scores, calib, FlexiGptConfig.standard(rate, rank)); break;
            case "drop": r = Baselines.shortGpt(teacher, scores, rate, true, true); break;
            case "sleb": r = Baselines.sleb(teacher, calib, rate); break;
            case "drop-lora": {
                long b = budget > 0 ? budget : FlexiGpt.compress(teacher, scores, calib, FlexiGptConfig.standard(rate, rank)).model().trainableParameterCount();
                r = Baselines.dropLora(teacher, scores, rate, true, true, b, 5);
                break;
            }
            default: throw new IllegalArgumentException("--method must be flexigpt, drop, drop-lora or sleb, got '" + method + "'");
        }
        if (recovery != null && r.model().trainableParameterCount() > 0) Recovery.train(teacher, r.model(), data, recovery, 1.0, 1.0, null, listener);
        return r;
    }

    /** Held-out token perplexity over non-overlapping windows of {@code seqLen}. */
    static double heldOutPerplexity(LlamaModel model, Tokenizer tok, List<String> docs, int seqLen, ProgressListener progress) {
        LlamaScoringModel scoring = new LlamaScoringModel(model, tok, seqLen);
        return new PerplexityEvaluator(scoring, PerplexitySettings.nonOverlapping(seqLen, 8)).evaluate(docs, progress).tokenPerplexity();
    }

    static EvalResult row(String model, String method, double rate, LlamaModel m, double ppl, int seqLen) {
        ParameterAccount acc = ParameterAccount.of(m);
        return new EvalResult(method, "held-out " + model, "token_perplexity", ppl, Double.NaN, 0, Map.of(HtmlReport.METHOD, method,
                HtmlReport.COMPRESSION_RATE, rate, "blocks", m.blocks().size(), "stored_parameters", acc.stored(),
                "trainable_parameters", acc.trainable(), "context", seqLen));
    }

    static void printTable(PrintWriter out, List<EvalResult> rows) {
        out.printf("%-22s %6s %7s %12s %12s%n", "method", "rate", "blocks", "stored", "held-out ppl");
        for (EvalResult r : rows) {
            out.printf("%-22s %5.0f%% %7s %,12d %12.3f%n", r.settings().get(HtmlReport.METHOD), 100 * ((Number) r.settings().get(HtmlReport.COMPRESSION_RATE)).doubleValue(),
                    r.settings().get("blocks"), ((Number) r.settings().get("stored_parameters")).longValue(), r.value());
        }
        out.flush();
    }

    /** Training progress on stderr at most every 2 s. */
    static TrainingListener trainingProgress(PrintWriter err, String label) {
        long[] last = {0}, first = {0, 0};
        return new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSecond) {
                long now = System.nanoTime();
                if (first[0] == 0) {
                    first[0] = now;
                    first[1] = step;
                }
                if (step != total && now - last[0] < 2_000_000_000L) return;
                last[0] = now;
                double perStep = step > first[1] ? (now - first[0]) / 1e9 / (step - first[1]) : 0;
                long eta = Math.round(perStep * (total - step));
                err.printf("%s: step %d/%d loss %.3f, %.0f tokens/s, ETA %d:%02d%n", label, step, total, loss, tokensPerSecond, eta / 60, eta % 60);
                err.flush();
            }

            @Override
            public void onEval(int step, double heldOutLoss) {
                err.printf("%s: step %d held-out loss %.4f%n", label, step, heldOutLoss);
                err.flush();
            }
        };
    }
}

package io.flexigpt.eval.tasks;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task results in the shapes lm-evaluation-harness writes with {@code --output_path} and
 * {@code --log_samples}: a results document with {@code results} (metrics keyed {@code "acc,none"},
 * {@code "acc_stderr,none"}, a missing standard error as {@code "N/A"}), {@code configs}, {@code versions},
 * {@code n-shot}, {@code higher_is_better}, {@code n-samples} and {@code config}; and per task one JSON line
 * per item with its requests ({@code arguments}), log-likelihoods and greedy flags ({@code resps}),
 * {@code target}, the chosen answer ({@code pred}), the per-item metrics and the token ids scored.
 */
public final class LmEvalOutput {
    private LmEvalOutput() {}

    /** The results document of {@code runs}; {@code config} describes the run (model, limit, bos, ...). */
    public static String results(List<TaskResult> runs, String model, Map<String, Object> config) {
        Map<String, Object> results = new LinkedHashMap<>(),
                configs = new LinkedHashMap<>(),
                versions = new LinkedHashMap<>(),
                nShot = new LinkedHashMap<>(),
                higher = new LinkedHashMap<>(),
                samples = new LinkedHashMap<>();
        for (TaskResult run : runs) {
            String name = run.task().name();
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("alias", name);
            Map<String, Object> better = new LinkedHashMap<>();
            List<Object> metricList = new ArrayList<>();
            for (EvalResult r : run.toResults(model)) {
                metrics.put(r.metric() + ",none", number(r.value()));
                metrics.put(r.metric() + "_stderr,none", r.hasStderr() ? number(r.stderr()) : "N/A");
                boolean up = !r.metric().equals("perplexity");
                better.put(r.metric(), up);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("metric", r.metric());
                m.put("aggregation", r.metric().equals("perplexity") ? "perplexity" : "mean");
                m.put("higher_is_better", up);
                metricList.add(m);
            }
            results.put(name, metrics);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("task", name);
            c.put(
                    "output_type",
                    run.task().scoring() == Scoring.GREEDY_CONTINUATION ? "loglikelihood" : "multiple_choice");
            c.put("num_fewshot", 0L);
            c.put("metric_list", metricList);
            c.put("metadata", Map.of("version", 1.0));
            configs.put(name, c);
            versions.put(name, 1.0);
            nShot.put(name, 0L);
            higher.put(name, better);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("original", (long) run.task().items().size());
            n.put("effective", (long) run.items().size());
            n.put("skipped_too_long", (long) run.skipped());
            samples.put(name, n);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", results);
        doc.put("configs", configs);
        doc.put("versions", versions);
        doc.put("n-shot", nShot);
        doc.put("higher_is_better", higher);
        doc.put("n-samples", samples);
        doc.put("config", config);
        return Json.writePretty(doc);
    }

    /** One JSON line per scored item of {@code run}. */
    public static String samples(TaskResult run) {
        StringBuilder out = new StringBuilder();
        int request = 0;
        for (int k = 0; k < run.items().size(); k++) {
            ItemScore score = run.items().get(k);
            TaskItem item = run.task().items().get(run.itemIndices()[k]);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("doc_id", (long) run.itemIndices()[k]);
            line.put("target", (long) item.gold());
            Map<String, Object> arguments = new LinkedHashMap<>();
            List<Object> resps = new ArrayList<>(), tokens = new ArrayList<>();
            for (int c = 0; c < item.choices().size(); c++, request++) {
                Choice choice = item.choices().get(c);
                arguments.put("gen_args_" + c, Map.of("arg_0", choice.context(), "arg_1", choice.continuation()));
                resps.add(List.of(number(score.logLikelihoods()[c]), score.greedy()[c]));
                List<Object> ids = new ArrayList<>();
                for (int id : run.requestTokens().get(request)) ids.add((long) id);
                tokens.add(ids);
            }
            line.put("arguments", arguments);
            line.put("resps", resps);
            boolean greedyTask = run.task().scoring() == Scoring.GREEDY_CONTINUATION;
            line.put("pred", greedyTask ? (Object) score.greedy()[0] : (Object) (long) score.choice());
            line.put("acc", (greedyTask ? score.greedy()[0] : score.correct()) ? 1.0 : 0.0);
            if (run.task().scoring() == Scoring.ACC_AND_ACC_NORM)
                line.put("acc_norm", score.correctNormalized() ? 1.0 : 0.0);
            if (greedyTask) line.put("perplexity", number(score.logLikelihoods()[0]));
            line.put("input_tokens", tokens);
            out.append(Json.write(line)).append('\n');
        }
        return out.toString();
    }

    /**
     * Writes {@code results.json} and, with {@code logSamples}, {@code samples_<task>.jsonl} per task into
     * {@code dir}, each atomically; a path ending in {@code .json} names the results file itself.
     */
    public static void write(
            Path path, List<TaskResult> runs, String model, Map<String, Object> config, boolean logSamples)
            throws IOException {
        boolean file = path.getFileName().toString().endsWith(".json");
        Path dir = file ? path.toAbsolutePath().getParent() : path;
        AtomicFiles.writeString(file ? path : dir.resolve("results.json"), results(runs, model, config));
        if (logSamples) {
            for (TaskResult run : runs)
                AtomicFiles.writeString(dir.resolve("samples_" + run.task().name() + ".jsonl"), samples(run));
        }
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : (Object) Double.toString(v);
    }
}

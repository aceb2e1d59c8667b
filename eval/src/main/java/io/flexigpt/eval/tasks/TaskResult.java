package io.flexigpt.eval.tasks;

import io.flexigpt.eval.EvalResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-item scores of a task run and the metrics lm-evaluation-harness derives from them: acc and
 * acc_norm with standard errors (sample standard deviation over sqrt(n)), or for greedy-continuation
 * tasks acc and perplexity {@code exp(-mean log-likelihood)}.
 */
public record TaskResult(Task task, ZeroShotSettings settings, List<ItemScore> items) {

    public TaskResult {
        items = List.copyOf(items);
    }

    /** The task's metrics as report rows, in the order acc, then acc_norm or perplexity. */
    public List<EvalResult> toResults(String model) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("prepend_bos", settings.prependBos());
        run.put("limit", settings.limit());
        run.put("seed", settings.seed());
        run.put("items_in_task", task.items().size());
        List<EvalResult> results = new ArrayList<>();
        boolean greedyTask = task.scoring() == Scoring.GREEDY_CONTINUATION;
        double[] correct = items.stream()
                .mapToDouble(s -> (greedyTask ? s.greedy()[0] : s.correct()) ? 1 : 0)
                .toArray();
        results.add(row(model, "acc", Stats.mean(correct), Stats.meanStderr(correct), run));
        if (task.scoring() == Scoring.ACC_AND_ACC_NORM) {
            double[] norm = items.stream().mapToDouble(s -> s.correctNormalized() ? 1 : 0).toArray();
            results.add(row(model, "acc_norm", Stats.mean(norm), Stats.meanStderr(norm), run));
        } else if (greedyTask) {
            double[] logLikelihoods = items.stream().mapToDouble(s -> s.logLikelihoods()[0]).toArray();
            results.add(row(model, "perplexity", Math.exp(-Stats.mean(logLikelihoods)), Double.NaN, run));
        }
        return results;
    }

    private EvalResult row(String model, String metric, double value, double stderr, Map<String, Object> run) {
        return new EvalResult(model, task.name(), metric, value, stderr, items.size(), run);
    }
}

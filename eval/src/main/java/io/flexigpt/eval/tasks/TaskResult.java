package io.flexigpt.eval.tasks;

import io.flexigpt.eval.EvalResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-item scores of a task run and the metrics lm-evaluation-harness derives from them: acc and
 * acc_norm with standard errors (sample standard deviation over sqrt(n)), or for greedy-continuation
 * tasks acc and perplexity {@code exp(-mean log-likelihood)} with a bootstrap standard error.
 *
 * @param itemIndices for each scored item, its index in the task's file order
 * @param requestTokens the token sequence of every request, item by item and choice by choice
 * @param skipped items left out because a continuation did not fit the model's context
 */
public record TaskResult(
        Task task,
        ZeroShotSettings settings,
        List<ItemScore> items,
        int[] itemIndices,
        List<int[]> requestTokens,
        int skipped) {

    /** Resamples of the bootstrap standard error of perplexity. */
    static final int BOOTSTRAP_RESAMPLES = 10_000;

    public TaskResult {
        items = List.copyOf(items);
        requestTokens = List.copyOf(requestTokens);
        if (itemIndices.length != items.size()) {
            throw new IllegalArgumentException(itemIndices.length + " item indices for " + items.size() + " items");
        }
    }

    /** The task's metrics as report rows, in the order acc, then acc_norm or perplexity. */
    public List<EvalResult> toResults(String model) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("prepend_bos", settings.prependBos());
        run.put("limit", settings.limit());
        run.put("sample", settings.sample());
        run.put("seed", settings.seed());
        run.put("items_in_task", task.items().size());
        run.put("skipped_too_long", skipped);
        List<EvalResult> results = new ArrayList<>();
        boolean greedyTask = task.scoring() == Scoring.GREEDY_CONTINUATION;
        double[] correct = items.stream()
                .mapToDouble(s -> (greedyTask ? s.greedy()[0] : s.correct()) ? 1 : 0)
                .toArray();
        results.add(row(model, "acc", Stats.mean(correct), Stats.meanStderr(correct), run));
        if (task.scoring() == Scoring.ACC_AND_ACC_NORM) {
            double[] norm = items.stream()
                    .mapToDouble(s -> s.correctNormalized() ? 1 : 0)
                    .toArray();
            results.add(row(model, "acc_norm", Stats.mean(norm), Stats.meanStderr(norm), run));
        } else if (greedyTask) {
            double[] logLikelihoods =
                    items.stream().mapToDouble(s -> s.logLikelihoods()[0]).toArray();
            results.add(row(
                    model,
                    "perplexity",
                    Math.exp(-Stats.mean(logLikelihoods)),
                    Stats.bootstrapPerplexityStderr(logLikelihoods, BOOTSTRAP_RESAMPLES, settings.seed()),
                    run));
        }
        return results;
    }

    private EvalResult row(String model, String metric, double value, double stderr, Map<String, Object> run) {
        return new EvalResult(model, task.name(), metric, value, stderr, items.size(), run);
    }
}

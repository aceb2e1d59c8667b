package io.flexigpt.eval.tasks;

import io.flexigpt.eval.ScoringModel;
import io.flexigpt.eval.TokenScores;
import io.flexigpt.io.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a zero-shot task on a {@link ScoringModel} the way lm-evaluation-harness scores loglikelihood
 * requests: every choice becomes one request (see {@link Request}), requests go to the model
 * {@code batchSize} at a time, and each choice gets the summed log-probability of its continuation
 * tokens. Progress is reported in requests.
 */
public final class ZeroShotEvaluator {
    private final ScoringModel model;
    private final ZeroShotSettings settings;

    public ZeroShotEvaluator(ScoringModel model, ZeroShotSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    /**
     * Scores the task: its seeded sample when the settings ask for one, then its first {@code limit} items.
     * An item with a choice whose continuation does not fit the model's context is skipped and counted
     * ({@link TaskResult#skipped()}), not an error of the whole run.
     */
    public TaskResult evaluate(Task task, ProgressListener listener) {
        if (task.items().isEmpty()) {
            throw new IllegalArgumentException("task " + task.name() + " has no items");
        }
        int[] indices = settings.sample() == 0
                ? java.util.stream.IntStream.range(0, task.items().size()).toArray()
                : task.subsampleIndices(settings.sample(), settings.seed());
        if (settings.limit() > 0 && settings.limit() < indices.length) {
            indices = java.util.Arrays.copyOf(indices, settings.limit());
        }
        List<Request> requests = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        int skipped = 0;
        for (int index : indices) {
            TaskItem item = task.items().get(index);
            List<Request> itemRequests = new ArrayList<>();
            try {
                for (Choice choice : item.choices()) {
                    itemRequests.add(
                            Request.encode(model.tokenizer(), choice, settings.prependBos(), model.maxContext()));
                }
            } catch (Request.TooLong e) {
                skipped++;
                continue;
            }
            requests.addAll(itemRequests);
            kept.add(index);
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("task " + task.name() + ": none of its " + indices.length
                    + " items fits the model's context of " + model.maxContext() + " tokens");
        }
        TokenScores[] scores = scoreAll(requests, listener);
        List<ItemScore> itemScores = new ArrayList<>(kept.size());
        List<int[]> tokens = new ArrayList<>(requests.size());
        int next = 0;
        for (int index : kept) {
            TaskItem item = task.items().get(index);
            int choices = item.choices().size();
            double[] logLikelihoods = new double[choices];
            boolean[] greedy = new boolean[choices];
            int[] normLengths = new int[choices];
            for (int c = 0; c < choices; c++, next++) {
                logLikelihoods[c] = scores[next].sum();
                greedy[c] = scores[next].allGreedy();
                normLengths[c] = item.choices().get(c).normLength();
                tokens.add(requests.get(next).tokens());
            }
            itemScores.add(new ItemScore(logLikelihoods, greedy, normLengths, item.gold()));
        }
        return new TaskResult(
                task,
                settings,
                itemScores,
                kept.stream().mapToInt(Integer::intValue).toArray(),
                tokens,
                skipped);
    }

    private TokenScores[] scoreAll(List<Request> requests, ProgressListener listener) {
        TokenScores[] scores = new TokenScores[requests.size()];
        List<Integer> pending = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            if (requests.get(r).continuationLength() == 0) {
                scores[r] = new TokenScores(new double[0], new boolean[0]);
            } else {
                pending.add(r);
            }
        }
        for (int first = 0; first < pending.size(); first += settings.batchSize()) {
            List<Integer> batch = pending.subList(first, Math.min(first + settings.batchSize(), pending.size()));
            List<int[]> sequences = new ArrayList<>(batch.size());
            int[] scoreFrom = new int[batch.size()];
            for (int b = 0; b < batch.size(); b++) {
                Request request = requests.get(batch.get(b));
                sequences.add(request.tokens());
                scoreFrom[b] = request.scoreFrom();
            }
            List<TokenScores> batchScores = model.score(sequences, scoreFrom);
            if (batchScores.size() != batch.size()) {
                throw new IllegalStateException(
                        "model returned " + batchScores.size() + " results for " + batch.size() + " requests");
            }
            for (int b = 0; b < batch.size(); b++) {
                TokenScores s = batchScores.get(b);
                int expected = requests.get(batch.get(b)).continuationLength();
                if (s.count() != expected) {
                    throw new IllegalStateException(
                            "model returned " + s.count() + " scores for a continuation of " + expected + " tokens");
                }
                scores[batch.get(b)] = s;
            }
            listener.progress(first + batch.size(), pending.size());
        }
        return scores;
    }
}

package io.flexigpt.eval.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A zero-shot task: its name (lm-evaluation-harness's), how it is scored and its items in file order. */
public record Task(String name, Scoring scoring, List<TaskItem> items) {

    public Task {
        items = List.copyOf(items);
    }

    /**
     * At most {@code limit} items chosen uniformly at random without replacement, kept in file order:
     * the first {@code limit} entries of a Fisher–Yates shuffle of the indices driven by
     * {@code new java.util.Random(seed)}, which gives the same subset on every JVM. A limit of at
     * least the item count returns this task.
     */
    public Task subsample(int limit, long seed) {
        if (limit >= items.size() && limit >= 1) {
            return this;
        }
        List<TaskItem> subset = new ArrayList<>(limit);
        for (int index : subsampleIndices(limit, seed)) {
            subset.add(items.get(index));
        }
        return new Task(name, scoring, subset);
    }

    /** The indices (ascending) of the items {@link #subsample} chooses. */
    public int[] subsampleIndices(int limit, long seed) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        int[] order = new int[items.size()];
        Arrays.setAll(order, i -> i);
        if (limit >= items.size()) {
            return order;
        }
        Random random = new Random(seed);
        for (int i = 0; i < limit; i++) {
            int j = i + random.nextInt(order.length - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] chosen = Arrays.copyOf(order, limit);
        Arrays.sort(chosen);
        return chosen;
    }
}

package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which blocks to prune: the {@code n = round(rate * blocks)} least important ones, optionally never the
 * first or the last block. Reports the fraction of blocks and the fraction of parameters they hold.
 */
public record PruningPlan(int[] pruned, int[] kept, double blockFraction, double parameterFraction) {

    public static PruningPlan lowestScores(
            LlamaModel model, double[] scores, double rate, boolean protectFirst, boolean protectLast) {
        int blocks = model.blocks().size();
        if (scores.length != blocks)
            throw new IllegalArgumentException(scores.length + " scores for " + blocks + " blocks");
        for (int i = 0; i < blocks; i++)
            if (Double.isNaN(scores[i]))
                throw new IllegalArgumentException("the importance score of block " + i + " is NaN");
        int n = count(blocks, rate);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            if ((protectFirst && i == 0) || (protectLast && i == blocks - 1)) continue;
            candidates.add(i);
        }
        if (n > candidates.size())
            throw new IllegalArgumentException(
                    "cannot prune " + n + " of " + blocks + " blocks with the first/last protected");
        candidates.sort(Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i));
        int[] pruned = candidates.subList(0, n).stream()
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
        return of(model, pruned);
    }

    /**
     * The number of blocks {@code round(rate * blocks)} that {@code rate} prunes; the rate must be in [0, 1)
     * and leave at least one block.
     */
    static int count(int blocks, double rate) {
        if (!(rate >= 0 && rate < 1))
            throw new IllegalArgumentException("compression rate must be in [0, 1), got " + rate);
        int n = (int) Math.round(rate * blocks);
        if (n > 0 && n >= blocks)
            throw new IllegalArgumentException(
                    "compression rate " + rate + " would prune all " + blocks + " blocks; at least one must be kept");
        return n;
    }

    /** A plan pruning exactly {@code pruned}: distinct block indices of {@code model}, in any order. */
    public static PruningPlan of(LlamaModel model, int[] pruned) {
        int blocks = model.blocks().size();
        int[] sorted = pruned.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            if (sorted[k] < 0 || sorted[k] >= blocks)
                throw new IllegalArgumentException(
                        "cannot prune block " + sorted[k] + " of a model with " + blocks + " blocks");
            if (k > 0 && sorted[k] == sorted[k - 1])
                throw new IllegalArgumentException("block " + sorted[k] + " is listed twice in the pruning plan");
        }
        List<Integer> kept = new ArrayList<>();
        long prunedParams = 0;
        for (int i = 0; i < blocks; i++) {
            if (Arrays.binarySearch(sorted, i) >= 0)
                prunedParams += model.blocks().get(i).parameterCount();
            else kept.add(i);
        }
        return new PruningPlan(
                sorted,
                kept.stream().mapToInt(Integer::intValue).toArray(),
                (double) sorted.length / blocks,
                (double) prunedParams / model.parameterCount());
    }
}

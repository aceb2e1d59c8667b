package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;
import java.util.Map;

/**
 * A compressed model and how it was made: the pruning plan, each pruned block's source
 * ({@code -1} when it has no shared base), the low-rank residual {@code E(p, s)} for every candidate
 * source ({@code NaN} where s is not a candidate) and the no-sharing residual per pruned block.
 */
public record CompressionResult(
        String method,
        LlamaModel model,
        PruningPlan plan,
        Map<Integer, Integer> sources,
        double[][] sourceErrors,
        double[] noSharingErrors) {}

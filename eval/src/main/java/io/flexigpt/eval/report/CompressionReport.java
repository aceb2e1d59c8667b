package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compression run did, in plain numbers, for {@link HtmlReport}: the block importance and the pruned
 * blocks, the source each replacement shares, the recovery loss per step of each trained method, the
 * held-out results, the parameter accounting per model and the time per phase (empty when the report must
 * be reproducible byte for byte).
 *
 * @param summary a short paragraph saying what was done
 * @param importanceMetric the name of the importance score (e.g. "Block Influence")
 * @param importance the score of every block of the original model, by block index
 * @param pruned the indices of the pruned blocks
 * @param sources one row per pruned block that was replaced (empty for methods that drop blocks)
 * @param lossCurves recovery training loss per step (step 1 first), by method, in display order
 * @param results the held-out results (the perplexity bars are drawn from these)
 * @param parameters parameter accounting, one row per model
 * @param phaseSeconds wall time per phase, in display order
 */
public record CompressionReport(
        String title,
        String summary,
        String importanceMetric,
        double[] importance,
        int[] pruned,
        List<Source> sources,
        Map<String, double[]> lossCurves,
        List<EvalResult> results,
        List<Parameters> parameters,
        Map<String, Double> phaseSeconds) {

    public CompressionReport {
        if (title == null || summary == null || importanceMetric == null)
            throw new IllegalArgumentException("title, summary and importance metric are required");
        importance = importance.clone();
        pruned = pruned.clone();
        for (int p : pruned) {
            if (p < 0 || p >= importance.length)
                throw new IllegalArgumentException(
                        "pruned block " + p + " is not one of the " + importance.length + " blocks");
        }
        sources = List.copyOf(sources);
        Map<String, double[]> curves = new LinkedHashMap<>();
        lossCurves.forEach((k, v) -> curves.put(k, v.clone()));
        lossCurves = java.util.Collections.unmodifiableMap(curves);
        results = List.copyOf(results);
        parameters = List.copyOf(parameters);
        phaseSeconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phaseSeconds));
    }

    /**
     * A replaced block and the kept block whose weights it shares.
     *
     * @param source the shared block, or -1 when the replacement shares none
     * @param error the relative low-rank residual E(p, s) of the chosen source, NaN when not measured
     * @param noSharingError the residual with no shared base, NaN when not measured
     */
    public record Source(int pruned, int source, double error, double noSharingError) {}

    /**
     * Parameter accounting of one model.
     *
     * @param merged parameters after merging the adapters into the weights they adapt, or -1 when that does not apply
     */
    public record Parameters(String model, long stored, long merged, long trainable, long computePerToken) {}
}

package io.flexigpt.compress;

import io.flexigpt.nn.Attention;
import io.flexigpt.nn.FeedForward;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods FlexiGPT is compared against, run through the same pipeline: ShortGPT (drop the least
 * important blocks), drop + LoRA (the same drop, then LoRA adapters on every remaining projection with a
 * given trainable-parameter budget) and SLEB (remove, one at a time, the block whose removal raises the
 * calibration perplexity least).
 */
final class Baselines {
    private Baselines() {}

    public static CompressionResult shortGpt(
            LlamaModel teacher, double[] importance, double rate, boolean protectFirst, boolean protectLast) {
        LlamaModel student = FlexiGpt.sharingWeights(teacher);
        PruningPlan plan = PruningPlan.lowestScores(student, importance, rate, protectFirst, protectLast);
        drop(student, plan.pruned());
        student.freeze();
        return new CompressionResult("shortgpt", student, plan, Map.of(), new double[0][], new double[0]);
    }

    /**
     * ShortGPT's drop, then LoRA ({@code B = 0}, {@code A ~ N(0, 1/in)}) on all seven projections of every
     * remaining block, filling {@code trainableBudget}: every projection gets the largest rank r that the
     * budget allows for all of them (at least 1), then, block by block and projection by projection, those
     * that still fit get r + 1, so the adapters fall short of the budget by less than one projection's
     * {@code in + out}. Base weights are frozen.
     */
    public static CompressionResult dropLora(
            LlamaModel teacher,
            double[] importance,
            double rate,
            boolean protectFirst,
            boolean protectLast,
            long trainableBudget,
            long seed) {
        CompressionResult dropped = shortGpt(teacher, importance, rate, protectFirst, protectLast);
        LlamaModel student = dropped.model();
        long perRank = 0;
        for (TransformerBlock b : student.blocks().asList()) {
            for (String m : Projections.NAMES) {
                Projection p = Projections.get(b, m);
                perRank += p.inFeatures() + p.outFeatures();
            }
        }
        int rank = (int) Math.max(1, trainableBudget / perRank);
        long left = trainableBudget - rank * perRank;
        Rng rng = new Rng(seed);
        for (int i = 0; i < student.blocks().size(); i++) {
            Map<String, Integer> ranks = new HashMap<>();
            for (String m : Projections.NAMES) {
                Projection p = Projections.get(student.blocks().get(i), m);
                int step = p.inFeatures() + p.outFeatures();
                boolean extra = left >= step && rank < Math.min(p.inFeatures(), p.outFeatures());
                if (extra) left -= step;
                ranks.put(m, extra ? rank + 1 : rank);
            }
            student.blocks().replace(i, withLora(student, student.blocks().get(i), ranks, rng));
        }
        student.freeze();
        for (TransformerBlock b : student.blocks().asList()) {
            for (io.flexigpt.autograd.Variable adapter : Projections.adapters(b)) adapter.setRequiresGrad(true);
        }
        return new CompressionResult("drop-lora", student, dropped.plan(), Map.of(), new double[0][], new double[0]);
    }

    private static TransformerBlock withLora(
            LlamaModel model, TransformerBlock b, Map<String, Integer> ranks, Rng rng) {
        Map<String, Projection> p = new HashMap<>();
        for (String m : Projections.NAMES) {
            io.flexigpt.nn.Linear lin = Projections.linear(b, m);
            int r = Math.min(ranks.get(m), Math.min(lin.inFeatures(), lin.outFeatures()));
            Tensor a = rng.normal(0, (float) (1 / Math.sqrt(lin.inFeatures())), r, lin.inFeatures());
            p.put(m, new SharedLowRankLinear(lin.weight(), a, Tensor.zeros(lin.outFeatures(), r)));
        }
        return new TransformerBlock(
                b.attentionNorm(),
                new Attention(model.config(), p.get("q_proj"), p.get("k_proj"), p.get("v_proj"), p.get("o_proj")),
                b.mlpNorm(),
                new FeedForward(p.get("gate_proj"), p.get("up_proj"), p.get("down_proj")));
    }

    /** SLEB: removes {@code round(rate * blocks)} blocks greedily by calibration perplexity. */
    public static CompressionResult sleb(LlamaModel teacher, CalibrationData calibration, double rate) {
        LlamaModel student = FlexiGpt.sharingWeights(teacher);
        int blocks = student.blocks().size(), n = PruningPlan.count(blocks, rate);
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < blocks; i++) remaining.add(i);
        List<Integer> removed = new ArrayList<>();
        for (int step = 0; step < n; step++) {
            int best = -1;
            double bestPpl = Double.POSITIVE_INFINITY;
            for (int j = 0; j < student.blocks().size(); j++) {
                TransformerBlock b = student.blocks().remove(j);
                double ppl = calibration.perplexity(student);
                student.blocks().insert(j, b);
                if (ppl < bestPpl) {
                    bestPpl = ppl;
                    best = j;
                }
            }
            student.blocks().remove(best);
            removed.add(remaining.remove(best));
        }
        student.freeze();
        PruningPlan plan = PruningPlan.of(
                teacher, removed.stream().mapToInt(Integer::intValue).toArray());
        return new CompressionResult("sleb", student, plan, Map.of(), new double[0][], new double[0]);
    }

    static void drop(LlamaModel model, int[] sortedBlocks) {
        for (int k = sortedBlocks.length - 1; k >= 0; k--) model.blocks().remove(sortedBlocks[k]);
    }
}

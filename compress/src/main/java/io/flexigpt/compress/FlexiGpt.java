package io.flexigpt.compress;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FlexiGPT compression (DESIGN.md §2): prune the least important blocks, replace each by a block that
 * shares a kept block's weights (chosen by the low-rank residual {@code E(p, s)}) plus its own adapters
 * initialised from the SVD of the weight difference, its own norm gains and calibrated output scales.
 * The teacher is not modified; only the replacements' adapters, norms and scales are left trainable.
 */
public final class FlexiGpt {
    private FlexiGpt() {}

    public static CompressionResult compress(LlamaModel teacher, double[] importance, CalibrationData calibration, FlexiGptConfig config) {
        LlamaModel student = copy(teacher);
        PruningPlan plan = PruningPlan.lowestScores(student, importance, config.rate(), config.protectFirst(), config.protectLast());
        List<TransformerBlock> original = student.blocks().asList();
        int n = original.size();
        double[][] errors = new double[plan.pruned().length][n];
        double[] noSharing = new double[plan.pruned().length];
        Map<Integer, Integer> sources = new LinkedHashMap<>();
        Rng rng = new Rng(config.seed());
        Map<Integer, List<Tensor>> inputs = config.outputScales() ? blockInputs(student, calibration, plan.pruned()) : Map.of();
        for (int k = 0; k < plan.pruned().length; k++) {
            int p = plan.pruned()[k];
            Arrays.fill(errors[k], Double.NaN);
            noSharing[k] = LowRankResidual.noSharing(original.get(p), config.rank());
            int best = -1;
            for (int s : plan.kept()) {
                errors[k][s] = LowRankResidual.error(original.get(p), original.get(s), config.rank());
                if (best < 0 || errors[k][s] < errors[k][best]) best = s;
            }
            if (config.sourceSelection() == FlexiGptConfig.SourceSelection.RANDOM) best = plan.kept()[rng.nextInt(plan.kept().length)];
            int source = config.sharing() ? best : -1;
            sources.put(p, source);
            TransformerBlock src = source < 0 ? null : original.get(source);
            Map<String, Tensor[]> adapters = ReplacementBlocks.adapters(original.get(p), src, config.rank(), config.init(), rng);
            Tensor[] scales = {null, null};
            if (config.outputScales()) {
                TransformerBlock probe = ReplacementBlocks.build(student.config(), original.get(p), src, adapters, null, null);
                scales = ReplacementBlocks.outputScales(original.get(p), probe, inputs.get(p));
            }
            TransformerBlock replacement = ReplacementBlocks.build(student.config(), original.get(p), src, adapters, scales[0], scales[1]);
            student.blocks().replace(p, replacement);
        }
        freezeAllButReplacements(student, plan.pruned());
        return new CompressionResult("flexigpt", student, plan, sources, errors, noSharing);
    }

    /**
     * A model with the teacher's configuration and blocks built on the teacher's weight tensors, which it
     * shares rather than copies (tensors are values): its parameters are its own, so freezing or editing the
     * block stack leaves the teacher alone, and only new tensors (adapters, replacement norms and scales)
     * are ever trained.
     */
    public static LlamaModel copy(LlamaModel teacher) {
        return LlamaModel.fromWeights(teacher.config(), teacher.stateDict());
    }

    /** Inputs of the given blocks on every calibration batch (hidden states {@code [batch, time, dim]}). */
    static Map<Integer, List<Tensor>> blockInputs(LlamaModel model, CalibrationData data, int[] blocks) {
        Map<Integer, List<Tensor>> out = new LinkedHashMap<>();
        for (int b : blocks) out.put(b, new ArrayList<>());
        try (NoGrad ignored = NoGrad.enter()) {
            for (int[][] batch : data.inputs()) {
                model.forward(batch, 0, null, (i, in, o) -> {
                    if (out.containsKey(i)) out.get(i).add(in.value());
                });
            }
        }
        return out;
    }

    /** Freezes everything, then unfreezes the replacement blocks' adapters, norm gains and output scales. */
    static void freezeAllButReplacements(LlamaModel model, int[] replaced) {
        model.freeze();
        for (int p : replaced) {
            TransformerBlock b = model.blocks().get(p);
            for (Map.Entry<String, Variable> e : b.namedParameters().entrySet()) {
                if (!e.getKey().endsWith(".weight") || e.getKey().endsWith("layernorm.weight")) e.getValue().setRequiresGrad(true);
            }
        }
    }
}

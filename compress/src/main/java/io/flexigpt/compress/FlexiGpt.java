package io.flexigpt.compress;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.SpectrumMethod;
import io.flexigpt.tensor.Svd;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FlexiGPT compression (DESIGN.md §2): prune the least important blocks, replace each by a block that
 * shares a kept block's weights (chosen by the low-rank residual {@code E(p, s)}) plus its own adapters
 * initialised from the top-r SVD of the weight difference found during that search, its own norm gains
 * and calibrated output scales. The teacher is not modified; only the replacements' adapters, norms and scales are left trainable.
 */
public final class FlexiGpt {
    private FlexiGpt() {}

    public static CompressionResult compress(
            LlamaModel teacher, double[] importance, CalibrationData calibration, FlexiGptConfig config) {
        return compress(teacher, importance, calibration, config, ProgressListener.NONE);
    }

    /**
     * As {@link #compress(LlamaModel, double[], CalibrationData, FlexiGptConfig)}, telling {@code sourceSearch}
     * how far the source search has come in measured pairs: {@code pruned × (kept + 1)} in all, the one extra
     * per pruned block being its no-sharing residual. The winning pair's top-r factors become the adapters.
     */
    public static CompressionResult compress(
            LlamaModel teacher,
            double[] importance,
            CalibrationData calibration,
            FlexiGptConfig config,
            ProgressListener sourceSearch) {
        LlamaModel student = sharingWeights(teacher);
        PruningPlan plan = PruningPlan.lowestScores(
                student, importance, config.rate(), config.protectFirst(), config.protectLast());
        List<TransformerBlock> original = student.blocks().asList();
        int n = original.size();
        double[][] errors = new double[plan.pruned().length][n];
        double[] noSharing = new double[plan.pruned().length];
        Map<Integer, Integer> sources = new LinkedHashMap<>();
        Rng rng = new Rng(config.seed());
        FlexiGptConfig.OutputNormalisation normalisation = config.outputNormalisation();
        boolean calibrated = normalisation == FlexiGptConfig.OutputNormalisation.RMS_RATIO;
        Map<Integer, List<Tensor>> inputs = calibrated ? blockInputs(student, calibration, plan.pruned()) : Map.of();
        long pairs = (long) plan.pruned().length * (plan.kept().length + 1), measured = 0;
        for (int k = 0; k < plan.pruned().length; k++) {
            int p = plan.pruned()[k];
            Arrays.fill(errors[k], Double.NaN);
            int drawn = config.sourceSelection() == FlexiGptConfig.SourceSelection.RANDOM
                    ? plan.kept()[rng.nextInt(plan.kept().length)]
                    : -1;
            LowRankResidual.Residual own =
                    LowRankResidual.measure(original.get(p), null, config.rank(), SpectrumMethod.AUTO);
            noSharing[k] = own.error();
            sourceSearch.progress(++measured, pairs);
            int best = -1;
            Map<String, Svd> bestFactors = null;
            for (int s : plan.kept()) {
                LowRankResidual.Residual e =
                        LowRankResidual.measure(original.get(p), original.get(s), config.rank(), SpectrumMethod.AUTO);
                errors[k][s] = e.error();
                if (best < 0 || e.error() < errors[k][best]) {
                    best = s;
                    if (drawn < 0) bestFactors = e.factors();
                }
                if (s == drawn) bestFactors = e.factors();
                sourceSearch.progress(++measured, pairs);
            }
            if (drawn >= 0) best = drawn;
            int source = config.sharing() ? best : -1;
            sources.put(p, source);
            TransformerBlock src = source < 0 ? null : original.get(source);
            Map<String, Tensor[]> adapters = config.init() == FlexiGptConfig.AdapterInit.LORA
                    ? ReplacementBlocks.adapters(original.get(p), src, config.rank(), config.init(), rng)
                    : ReplacementBlocks.adapters(source < 0 ? own.factors() : bestFactors);
            Tensor[] scales = {null, null};
            if (calibrated) {
                TransformerBlock probe =
                        ReplacementBlocks.build(student.config(), original.get(p), src, adapters, null, null, false);
                scales = ReplacementBlocks.outputScales(original.get(p), probe, inputs.get(p));
            } else if (normalisation == FlexiGptConfig.OutputNormalisation.PAPER) {
                int dim = student.config().dim();
                scales = new Tensor[] {
                    Tensor.full(FlexiGptConfig.PAPER_GAIN_INIT, dim), Tensor.full(FlexiGptConfig.PAPER_GAIN_INIT, dim)
                };
            }
            boolean normalised = normalisation == FlexiGptConfig.OutputNormalisation.PAPER;
            TransformerBlock replacement = ReplacementBlocks.build(
                    student.config(), original.get(p), src, adapters, scales[0], scales[1], normalised);
            student.blocks().replace(p, replacement);
        }
        freezeAllButReplacements(student, plan.pruned());
        return new CompressionResult("flexigpt", student, plan, sources, errors, noSharing);
    }

    /**
     * A model with the teacher's configuration and blocks built on the teacher's weight tensors, which it
     * shares rather than copies ({@code fromWeights} takes them over, and nothing trains them): its parameters are its own, so freezing or editing the
     * block stack leaves the teacher alone, and only new tensors (adapters, replacement norms and scales)
     * are ever trained.
     */
    static LlamaModel sharingWeights(LlamaModel teacher) {
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
        for (int p : replaced)
            ReplacementBlocks.unfreezeOwnParameters(model.blocks().get(p));
    }
}

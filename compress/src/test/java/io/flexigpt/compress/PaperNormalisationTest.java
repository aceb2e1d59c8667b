package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's output feature normalisation: each replacement branch output RMS-normalised, times a
 * per-channel gain initialised small, so a freshly compressed model computes "block dropped" up to that gain.
 */
class PaperNormalisationTest {
    @Test
    void atInitTheModelIsTheDroppedModelWithinNumericalNoise() {
        for (long seed = 0; seed < 6; seed++) {
            LlamaModel teacher = TinyModels.random(5, seed);
            CalibrationData calib = TinyModels.calibration(teacher, 4, 8, 2, seed);
            Tensor paper = CompressionMethod.FLEXIGPT_PAPER_NORM
                    .apply(teacher, BaselinesTest.SCORES, calib, 0.4, RankSpec.of(3), CompressionMethod.DEFAULT_SEED)
                    .model()
                    .logits(TinyModels.PROBE);
            Tensor dropped = CompressionMethod.DROP
                    .apply(teacher, BaselinesTest.SCORES, calib, 0.4, RankSpec.of(3), CompressionMethod.DEFAULT_SEED)
                    .model()
                    .logits(TinyModels.PROBE);
            Tensor full = teacher.logits(TinyModels.PROBE);
            double scale = dropped.maxAbsDiff(Tensor.zeros(dropped.shape()));
            double offset = paper.maxAbsDiff(dropped);
            // two blocks each add |gain| = 1e-6 per channel to the residual stream: the logits move by ~1e-5 relative,
            // fp32 rounding territory
            assertTrue(
                    offset <= 1e-4 * scale,
                    "seed " + seed + ": paper-normalised replacements start at 'dropped': " + offset + " vs logits of "
                            + scale);
            assertTrue(
                    offset < 1e-2 * full.maxAbsDiff(dropped),
                    "seed " + seed + ": far closer to dropped than dropping is to the teacher");
        }
    }

    @Test
    void theBranchOutputIsTheGainTimesTheRmsNormalisedOutput() {
        LlamaModel teacher = TinyModels.random(5, 11);
        CompressionResult r = CompressionMethod.FLEXIGPT_PAPER_NORM.apply(
                teacher, BaselinesTest.SCORES, null, 0.4, RankSpec.of(3), CompressionMethod.DEFAULT_SEED);
        TransformerBlock b = r.model().blocks().get(r.plan().pruned()[0]);
        assertTrue(b.normalisedBranches());
        assertEquals(FlexiGptConfig.PAPER_GAIN_INIT, b.attentionScale().value().get(0), 0.0);
        Variable out = Variable.constant(new io.flexigpt.tensor.Rng(2).normal(0, 3f, 1, 4, TinyModels.DIM));
        Tensor gain = new io.flexigpt.tensor.Rng(3).normal(0, 1f, TinyModels.DIM);
        b.attentionScale().value().copyFromInPlace(gain);
        Tensor got = b.branchOutput(out, b.attentionScale()).value();
        Tensor x = out.value();
        Tensor expected = x.div(
                        x.square().mean(-1, true).add(b.attentionNorm().eps()).sqrt())
                .mul(gain.reshape(1, 1, -1));
        assertTrue(got.maxAbsDiff(expected) < 1e-5, "rmsnorm(out) * gain: " + got.maxAbsDiff(expected));
    }

    @Test
    void gainsNormsAndAdaptersTrainAndTheFormatKeepsTheNormalisation(@TempDir Path dir) throws Exception {
        LlamaModel teacher = TinyModels.random(5, 12);
        CompressionResult r = CompressionMethod.FLEXIGPT_PAPER_NORM.apply(
                teacher, BaselinesTest.SCORES, null, 0.4, RankSpec.of(3), CompressionMethod.DEFAULT_SEED);
        TransformerBlock b = r.model().blocks().get(r.plan().pruned()[0]);
        assertTrue(b.attentionScale().requiresGrad() && b.mlpScale().requiresGrad(), "the gains train");
        b.mlpScale().value().fillInPlace(0.5);
        CompressedModels.save(dir, r.model(), "flexigpt-paper-norm");
        LlamaModel loaded = CompressedModels.load(dir);
        assertTrue(loaded.blocks().get(r.plan().pruned()[0]).normalisedBranches());
        assertEquals(
                0.0,
                loaded.logits(TinyModels.PROBE).maxAbsDiff(r.model().logits(TinyModels.PROBE)),
                "bit-identical after a round trip");
    }
}

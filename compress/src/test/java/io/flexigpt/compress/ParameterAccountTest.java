package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Exact parameter accounting: shared tensors stored once but computed once per use, adapters counted as
 * {@code Σ r·(in + out)} over the projections, trainable counts as the methods define them.
 */
class ParameterAccountTest {

    static Gen<RankSpec> ranks() {
        return Generate.oneOf(
                integers().between(1, 30).map(RankSpec::of),
                doubles().between(0.05, 1.0).map(RankSpec::fraction));
    }

    /** {@code Σ_m r_m (in_m + out_m)} over the seven projections of a plain block of {@code c}. */
    static long adapterParameters(LlamaConfig c, RankSpec rank) {
        int d = c.dim(), kv = c.kvDim(), h = c.hiddenDim();
        int[][] shapes = {{d, d}, {kv, d}, {kv, d}, {d, d}, {h, d}, {h, d}, {d, h}};
        long n = 0;
        for (int[] s : shapes) n += (long) rank.rankFor(Tensor.zeros(s)) * (s[0] + s[1]);
        return n;
    }

    @Test
    void aPlainModelStoresAndComputesEachWeightOnce() {
        qt(10).forAll(integers().between(1, 4), longs().all()).checkAssert((layers, seed) -> {
            LlamaModel m = TinyModels.random(layers, seed);
            ParameterAccount a = ParameterAccount.of(m);
            assertEquals(m.config().parameterCount(), a.stored());
            assertEquals(a.stored(), a.computePerToken());
            assertEquals(0, a.adapters());
            assertEquals(a.stored(), a.trainable());
            m.freeze();
            assertEquals(0, ParameterAccount.of(m).trainable());
        });
    }

    @Test
    void flexiGptStoresSharedWeightsOnceAndCountsAdaptersAsRankTimesInPlusOut() {
        qt(12).forAll(ranks(), booleans().all(), booleans().all(), longs().all())
                .checkAssert((rank, sharing, scales, seed) -> {
                    LlamaModel teacher = TinyModels.random(5, seed);
                    CalibrationData calibration = scales ? TinyModels.calibration(teacher, 2, 8, 2, seed) : null;
                    FlexiGptConfig cfg = FlexiGptConfig.standard(0.4, rank)
                            .withSharing(sharing)
                            .withOutputScales(scales);
                    CompressionResult r = FlexiGpt.compress(teacher, new double[] {9, 1, 2, 8, 7}, calibration, cfg);
                    LlamaConfig c = teacher.config();
                    int n = r.plan().pruned().length;
                    long adapters = n * adapterParameters(c, rank), ownVectors = n * (2L + (scales ? 2 : 0)) * c.dim();
                    ParameterAccount a = ParameterAccount.of(r.model());
                    assertEquals(2, n);
                    assertEquals(adapters, a.adapters());
                    assertEquals(
                            teacher.parameterCount()
                                    - n * TinyModels.projectionWeights(c)
                                    + adapters
                                    + (scales ? 2L * n * c.dim() : 0),
                            a.stored());
                    assertEquals(
                            a.stored() + (sharing ? n * TinyModels.projectionWeights(c) : 0),
                            a.computePerToken(),
                            "a shared weight computes once per block using it");
                    assertEquals(
                            adapters + ownVectors,
                            a.trainable(),
                            "adapters, norm gains and output scales of the replacements");
                });
    }

    @Test
    void extensionAddsOnlyAdaptersNormsAndScales() {
        qt(8).forAll(ranks(), integers().between(1, 3), longs().all()).checkAssert((rank, inserted, seed) -> {
            LlamaModel base = TinyModels.random(3, seed);
            LlamaModel grown = Extension.extend(base, Extension.evenlySpaced(3, inserted), rank, seed);
            LlamaConfig c = base.config();
            long own = inserted * (adapterParameters(c, rank) + 4L * c.dim());
            ParameterAccount a = ParameterAccount.of(grown);
            assertEquals(base.parameterCount() + own, a.stored());
            assertEquals(inserted * adapterParameters(c, rank), a.adapters());
            assertEquals(own, a.trainable());
            assertEquals(a.stored() + inserted * TinyModels.projectionWeights(c), a.computePerToken());
        });
    }

    @Test
    void dropLoraTrainsOnlyItsAdapters() {
        qt(8).forAll(integers().between(1, 40), longs().all()).checkAssert((budgetPerBlockRank, seed) -> {
            LlamaModel teacher = TinyModels.random(4, seed);
            LlamaConfig c = teacher.config();
            long perRank = 3 * (4L * c.dim() + 2L * (c.dim() + c.kvDim()) + 3L * (c.dim() + c.hiddenDim()));
            CompressionResult r = Baselines.dropLora(
                    teacher, new double[] {4, 1, 3, 2}, 0.25, true, true, budgetPerBlockRank * perRank, seed);
            ParameterAccount a = ParameterAccount.of(r.model());
            long expected = 0;
            for (TransformerBlock b : r.model().blocks().asList()) {
                for (String m : Projections.NAMES) {
                    Projection p = Projections.get(b, m);
                    expected += (long) Math.min(budgetPerBlockRank, Math.min(p.inFeatures(), p.outFeatures()))
                            * (p.inFeatures() + p.outFeatures());
                }
            }
            assertEquals(expected, a.adapters());
            assertEquals(expected, a.trainable());
            assertEquals(teacher.parameterCount() - teacher.blocks().get(1).parameterCount() + expected, a.stored());
            assertEquals(a.stored(), a.computePerToken(), "a LoRA base weight is used by its own block only");
        });
    }
}

package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.Svd;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The source-selection metric {@code E(p, s)}: equal to the residual of the best rank-r approximation
 * computed from a full SVD of each difference, zero for identical blocks and at full rank, falling with
 * the rank, scale-free; and FlexiGPT picking the kept block with the smallest {@code E} as the source.
 */
class LowRankResidualTest {

    static Gen<RankSpec> ranks() {
        return Generate.oneOf(
                integers().between(1, 30).map(RankSpec::of),
                doubles().between(0.01, 1.0).map(RankSpec::fraction));
    }

    /** {@code Σ_m ||D_m - [D_m]_r||² / Σ_m ||W_p^m||²} from a full double-precision SVD of each {@code D_m}. */
    static double bruteForce(TransformerBlock p, TransformerBlock s, RankSpec rank) {
        double residual = 0, norm = 0;
        for (String m : Projections.NAMES) {
            Tensor wp = Projections.linear(p, m).weight().value().to(DType.F64);
            Tensor d = s == null
                    ? wp
                    : wp.sub(Projections.linear(s, m).weight().value().to(DType.F64));
            Svd full = Linalg.svd(d);
            int r = Math.min(rank.rankFor(wp), full.rank());
            residual += d.sub(full.truncate(r).reconstruct()).square().sum();
            norm += wp.square().sum();
        }
        return residual / norm;
    }

    @Test
    void equalsTheResidualOfTheTruncatedSvdOfEachDifference() {
        qt(40).forAll(
                        longs().all(),
                        ranks(),
                        integers().between(0, 2),
                        integers().between(0, 2))
                .checkAssert((seed, rank, p, s) -> {
                    LlamaModel model = TinyModels.random(3, seed);
                    TransformerBlock bp = model.blocks().get(p),
                            bs = model.blocks().get(s);
                    double e = LowRankResidual.error(bp, bs, rank);
                    assertEquals(
                            bruteForce(bp, bs, rank),
                            e,
                            1e-6 * (1 + e),
                            "D and W_p are float matrices: relative agreement to about 1e-7");
                    assertEquals(bruteForce(bp, null, rank), LowRankResidual.noSharing(bp, rank), 1e-6);
                    if (p.equals(s)) assertEquals(0.0, e);
                });
    }

    @Test
    void isZeroAtFullRankAndDoesNotGrowWithTheRank() {
        qt(20).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel model = TinyModels.random(2, seed);
            TransformerBlock p = model.blocks().get(0), s = model.blocks().get(1);
            assertEquals(0.0, LowRankResidual.error(p, s, RankSpec.fraction(1.0)), 1e-12);
            assertEquals(0.0, LowRankResidual.noSharing(p, RankSpec.of(TinyModels.HIDDEN)), 1e-12);
            double previous = Double.POSITIVE_INFINITY;
            double rankZero = 0, norm = 0;
            for (String m : Projections.NAMES) {
                Tensor wp = Projections.linear(p, m).weight().value();
                rankZero += wp.sub(Projections.linear(s, m).weight().value())
                        .square()
                        .sum();
                norm += wp.square().sum();
            }
            for (int r = 1; r <= TinyModels.DIM; r++) {
                double e = LowRankResidual.error(p, s, RankSpec.of(r));
                assertTrue(e >= 0 && e <= previous + 1e-12, "rank " + r + ": " + e + " after " + previous);
                assertTrue(e < rankZero / norm, "below the rank-0 residual ||W_p - W_s||² / ||W_p||²");
                previous = e;
            }
            assertTrue(
                    LowRankResidual.noSharing(p, RankSpec.of(1)) < 1,
                    "a rank-1 approximation of a block's own weights removes some energy");
        });
    }

    @Test
    void doesNotChangeWhenBothBlocksAreScaledAlike() {
        qt(15).forAll(longs().all(), integers().between(-3, 3), ranks()).checkAssert((seed, exponent, rank) -> {
            LlamaModel model = TinyModels.random(2, seed);
            Map<String, Tensor> changes = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet())
                if (e.getKey().startsWith("model.layers."))
                    changes.put(e.getKey(), e.getValue().mul(Math.pow(2, exponent)));
            LlamaModel scaled = TinyModels.edited(model, changes);
            double e =
                    LowRankResidual.error(model.blocks().get(0), model.blocks().get(1), rank);
            assertEquals(
                    e,
                    LowRankResidual.error(
                            scaled.blocks().get(0), scaled.blocks().get(1), rank),
                    1e-9 * (1 + e));
        });
    }

    @Test
    void flexiGptSharesTheKeptBlockWithTheSmallestResidual() {
        qt(12).forAll(longs().all(), ranks()).checkAssert((seed, rank) -> {
            LlamaModel teacher = TinyModels.random(5, seed);
            double[] scores = {5, 1, 4, 2, 3};
            CompressionResult r = FlexiGpt.compress(
                    teacher, scores, null, FlexiGptConfig.standard(0.4, rank).withOutputScales(false));
            assertArrayEquals(new int[] {1, 3}, r.plan().pruned());
            for (int k = 0; k < r.plan().pruned().length; k++) {
                int p = r.plan().pruned()[k];
                double[] errors = r.sourceErrors()[k];
                int best = -1;
                for (int s = 0; s < errors.length; s++) {
                    boolean kept = s != 1 && s != 3;
                    if (!kept) {
                        assertTrue(Double.isNaN(errors[s]), "no error for pruned block " + s);
                        continue;
                    }
                    assertEquals(
                            LowRankResidual.error(
                                    teacher.blocks().get(p), teacher.blocks().get(s), rank),
                            errors[s],
                            1e-12);
                    if (best < 0 || errors[s] < errors[best]) best = s;
                }
                assertEquals(best, r.sources().get(p), "source of block " + p);
                assertEquals(LowRankResidual.noSharing(teacher.blocks().get(p), rank), r.noSharingErrors()[k], 1e-12);
            }
        });
    }

    @Test
    void aNearCopyOfAKeptBlockIsChosenAsTheSource() {
        qt(10).forAll(longs().all(), integers().between(0, 4)).checkAssert((seed, source) -> {
            LlamaModel base = TinyModels.random(5, seed);
            int target = (source + 2) % 5;
            LlamaModel teacher = TinyModels.withCopiedBlock(base, source, target);
            Map<String, Tensor> noise = new LinkedHashMap<>();
            io.flexigpt.tensor.Rng rng = new io.flexigpt.tensor.Rng(seed ^ 77);
            String prefix = "model.layers." + target + ".";
            for (Map.Entry<String, Tensor> e : teacher.stateDict().entrySet()) {
                if (e.getKey().startsWith(prefix) && e.getKey().endsWith("_proj.weight"))
                    noise.put(
                            e.getKey(),
                            e.getValue().add(rng.normal(0, 0.01f, e.getValue().shape())));
            }
            teacher = TinyModels.edited(teacher, noise);
            double[] scores = new double[5];
            java.util.Arrays.fill(scores, 1);
            scores[target] = 0;
            CompressionResult r = FlexiGpt.compress(
                    teacher,
                    scores,
                    null,
                    new FlexiGptConfig(
                            0.2,
                            RankSpec.of(2),
                            false,
                            false,
                            FlexiGptConfig.SourceSelection.METRIC,
                            FlexiGptConfig.AdapterInit.SVD,
                            true,
                            FlexiGptConfig.OutputNormalisation.NONE,
                            1));
            assertEquals(Map.of(target, source), r.sources());
        });
    }
}

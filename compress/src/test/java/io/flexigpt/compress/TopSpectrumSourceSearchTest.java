package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.SpectrumMethod;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The source search on top-r spectra: on the real stories260K differences (and on a random teacher) the
 * randomized residual agrees with the exact one to a relative 1e-3 and picks the same source; the
 * replacement's SVD-initialised adapters, taken from the search's factors, are the best rank-r
 * approximation of the difference; and the search reports its progress pair by pair.
 */
class TopSpectrumSourceSearchTest {

    /** The kept block with the smallest residual for {@code p} among all other blocks, by {@code method}. */
    private static int bestSource(
            List<TransformerBlock> blocks, int p, RankSpec rank, SpectrumMethod method, double[] errors) {
        int best = -1;
        for (int s = 0; s < blocks.size(); s++) {
            if (s == p) continue;
            errors[s] = LowRankResidual.measure(blocks.get(p), blocks.get(s), rank, method)
                    .error();
            if (best < 0 || errors[s] < errors[best]) best = s;
        }
        return best;
    }

    private static void sameSourcesAsTheExactSearch(LlamaModel model, int... ranks) {
        List<TransformerBlock> blocks = model.blocks().asList();
        for (int r : ranks) {
            RankSpec rank = RankSpec.of(r);
            for (int p = 0; p < blocks.size(); p++) {
                double[] exact = new double[blocks.size()], randomized = new double[blocks.size()];
                int want = bestSource(blocks, p, rank, SpectrumMethod.EXACT, exact);
                int have = bestSource(blocks, p, rank, SpectrumMethod.RANDOMIZED, randomized);
                assertEquals(want, have, "rank " + r + ", pruned block " + p);
                for (int s = 0; s < blocks.size(); s++) {
                    if (s != p)
                        assertEquals(exact[s], randomized[s], 1e-3 * exact[s], "E(" + p + ", " + s + ") at rank " + r);
                }
            }
        }
    }

    @Test
    void onStories260KTheRandomizedSearchPicksTheExactSearchsSources() throws IOException {
        sameSourcesAsTheExactSearch(TinyModels.stories260K(), 2, 8, 16);
    }

    @Test
    void onARandomTeacherTheRandomizedSearchPicksTheExactSearchsSources() {
        sameSourcesAsTheExactSearch(TinyModels.random(5, 21), 1, 2);
    }

    @Test
    void adaptersFromTheSearchAreTheBestRankRApproximationAndProgressIsReported() throws IOException {
        LlamaModel teacher = TinyModels.stories260K();
        int r = 8;
        List<long[]> calls = new ArrayList<>();
        CompressionResult result = FlexiGpt.compress(
                teacher,
                new double[] {5, 1, 4, 2, 3},
                null,
                FlexiGptConfig.standard(0.4, RankSpec.of(r)).withOutputScales(false),
                (done, total) -> calls.add(new long[] {done, total}));
        int[] pruned = result.plan().pruned();
        long pairs = (long) pruned.length * (result.plan().kept().length + 1);
        assertEquals(pairs, calls.size(), "one report per measured pair");
        for (int i = 0; i < calls.size(); i++) assertArrayEquals(new long[] {i + 1, pairs}, calls.get(i));
        for (int p : pruned) {
            int source = result.sources().get(p);
            TransformerBlock replacement = result.model().blocks().get(p);
            for (String m : Projections.NAMES) {
                SharedLowRankLinear linear = (SharedLowRankLinear) Projections.get(replacement, m);
                Tensor wp =
                        Projections.linear(teacher.blocks().get(p), m).weight().value();
                Tensor d = wp.sub(Projections.linear(teacher.blocks().get(source), m)
                                .weight()
                                .value())
                        .to(DType.F64);
                int rank = RankSpec.of(r).rankFor(wp);
                Tensor ba = linear.adapterB()
                        .value()
                        .to(DType.F64)
                        .matmul(linear.adapterA().value().to(DType.F64));
                double optimal = Linalg.tailEnergy(d, rank),
                        residual = d.sub(ba).square().sum();
                assertTrue(
                        residual <= (1 + 1e-3) * optimal + 1e-9,
                        m + " of block " + p + ": ||D - B A||² " + residual + " vs optimal " + optimal);
                Tensor best = Linalg.svd(d, rank).reconstruct();
                double distance =
                        Math.sqrt(ba.sub(best).square().sum() / best.square().sum());
                assertTrue(distance < 2e-2, m + " of block " + p + ": B A is [D]_r up to " + distance);
            }
        }
    }
}

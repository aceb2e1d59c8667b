package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Pruning plans: {@code round(rate · blocks)} blocks, the lowest-scored ones (never a protected first or
 * last block), the block and parameter fractions they stand for, and a clear error for impossible requests.
 */
class PruningPlanTest {
    private static final LlamaModel[] MODELS = new LlamaModel[9];

    private static synchronized LlamaModel model(int layers) {
        if (MODELS[layers] == null) MODELS[layers] = LlamaModel.random(TinyModels.config(layers), layers);
        return MODELS[layers];
    }

    private static double[] scores(int n, long seed) {
        io.flexigpt.tensor.Rng rng = new io.flexigpt.tensor.Rng(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = rng.nextGaussian();
        return s;
    }

    @Test
    void prunesTheRoundedNumberOfLowestScoredUnprotectedBlocks() {
        record Case(int layers, long seed, double rate, boolean protectFirst, boolean protectLast) {}
        Gen<Case> cases = in -> new Case(
                integers().between(2, 8).generate(in),
                longs().all().generate(in),
                doubles().between(0, 1).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in));
        qt(300).forAll(cases)
                .checkAssert(c -> prunesTheRoundedNumberOfLowestScoredUnprotectedBlocks(
                        c.layers(), c.seed(), c.rate(), c.protectFirst(), c.protectLast()));
    }

    private void prunesTheRoundedNumberOfLowestScoredUnprotectedBlocks(
            int layers, long seed, double rate, boolean protectFirst, boolean protectLast) {
        LlamaModel model = model(layers);
        double[] s = scores(layers, seed);
        int n = (int) Math.round(rate * layers);
        int candidates = layers - (protectFirst ? 1 : 0) - (protectLast ? 1 : 0);
        if (n > candidates || n == layers) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> PruningPlan.lowestScores(model, s, rate, protectFirst, protectLast));
            return;
        }
        PruningPlan plan = PruningPlan.lowestScores(model, s, rate, protectFirst, protectLast);

        assertEquals(n, plan.pruned().length);
        int[] all = IntStream.concat(Arrays.stream(plan.pruned()), Arrays.stream(plan.kept()))
                .sorted()
                .toArray();
        assertArrayEquals(IntStream.range(0, layers).toArray(), all, "pruned and kept partition the blocks");
        assertArrayEquals(Arrays.stream(plan.pruned()).sorted().toArray(), plan.pruned(), "pruned is sorted");
        if (protectFirst) assertNotEquals(0, n == 0 ? -1 : plan.pruned()[0]);
        if (protectLast) assertNotEquals(layers - 1, n == 0 ? -1 : plan.pruned()[n - 1]);
        for (int p : plan.pruned()) {
            for (int k : plan.kept()) {
                boolean protectedBlock = (protectFirst && k == 0) || (protectLast && k == layers - 1);
                if (!protectedBlock) assertTrue(s[p] <= s[k], "pruned block " + p + " scores above kept block " + k);
            }
        }
        LlamaConfig c = model.config();
        long perBlock = 2L * c.dim() + TinyModels.projectionWeights(c);
        assertEquals((double) n / layers, plan.blockFraction(), 1e-15);
        assertEquals((double) n * perBlock / c.parameterCount(), plan.parameterFraction(), 1e-15);
    }

    @Test
    void equalScoresArePrunedInBlockOrder() {
        PruningPlan plan = PruningPlan.lowestScores(model(6), new double[] {1, 0, 0, 0, 0, 1}, 0.5, false, false);
        assertArrayEquals(new int[] {1, 2, 3}, plan.pruned());
        assertArrayEquals(new int[] {0, 4, 5}, plan.kept());
    }

    @Test
    void anExplicitPlanIsSortedAndCountsTheBlocksItNames() {
        PruningPlan plan = PruningPlan.of(model(5), new int[] {3, 1});
        assertArrayEquals(new int[] {1, 3}, plan.pruned());
        assertArrayEquals(new int[] {0, 2, 4}, plan.kept());
        assertEquals(0.4, plan.blockFraction(), 1e-15);
    }

    @Test
    void invalidRatesAreRejectedWithTheRateInTheMessage() {
        for (double rate : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> PruningPlan.lowestScores(model(4), scores(4, 1), rate, false, false));
            assertTrue(
                    e.getMessage().contains("rate") && e.getMessage().contains(Double.toString(rate)), e.getMessage());
        }
    }

    @Test
    void impossibleRequestsNameWhatIsWrong() {
        IllegalArgumentException count = assertThrows(
                IllegalArgumentException.class,
                () -> PruningPlan.lowestScores(model(4), scores(3, 1), 0.5, false, false));
        assertTrue(count.getMessage().contains("3 scores for 4 blocks"), count.getMessage());
        IllegalArgumentException protectedBoth = assertThrows(
                IllegalArgumentException.class,
                () -> PruningPlan.lowestScores(model(2), scores(2, 1), 0.5, true, true));
        assertTrue(protectedBoth.getMessage().contains("protected"), protectedBoth.getMessage());
        IllegalArgumentException all = assertThrows(
                IllegalArgumentException.class,
                () -> PruningPlan.lowestScores(model(4), scores(4, 1), 0.9, false, false));
        assertTrue(all.getMessage().contains("all 4 blocks"), all.getMessage());
        IllegalArgumentException nan = assertThrows(
                IllegalArgumentException.class,
                () -> PruningPlan.lowestScores(model(4), new double[] {1, Double.NaN, 2, 3}, 0.25, false, false));
        assertTrue(nan.getMessage().contains("block 1") && nan.getMessage().contains("NaN"), nan.getMessage());
    }

    @Test
    void anExplicitPlanRejectsBlocksThatDoNotExistOrRepeat() {
        IllegalArgumentException range =
                assertThrows(IllegalArgumentException.class, () -> PruningPlan.of(model(5), new int[] {1, 7}));
        assertTrue(
                range.getMessage().contains("block 7") && range.getMessage().contains("5 blocks"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PruningPlan.of(model(5), new int[] {-1}));
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> PruningPlan.of(model(5), new int[] {2, 2}));
        assertTrue(twice.getMessage().contains("block 2") && twice.getMessage().contains("twice"), twice.getMessage());
    }
}

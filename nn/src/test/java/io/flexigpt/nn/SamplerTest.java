package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Token sampling: greedy is argmax, a seed fixes the draws, top-k and top-p never leave their set, masked
 * tokens are never drawn, and empirical frequencies follow the tempered, truncated softmax (chi-square bound).
 */
class SamplerTest {

    static Gen<float[]> logits() {
        return lists().of(floats().between(-8, 8))
                .ofSizeBetween(1, 40)
                .map(SamplerTest::toArray)
                .describedAs(Arrays::toString);
    }

    private static float[] toArray(java.util.List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) a[i] = values.get(i);
        return a;
    }

    @Test
    void temperatureZeroIsArgmaxWithTheFirstOfTies() {
        qt(200).forAll(logits(), longs().all()).checkAssert((logits, seed) -> {
            int best = 0;
            for (int i = 0; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            Sampler sampler = new Sampler(new SamplingConfig(0, 0.5, 3, seed));
            for (int draw = 0; draw < 3; draw++) assertEquals(best, sampler.next(logits));
            float[] tied = Arrays.copyOf(logits, logits.length + 1);
            tied[logits.length] = logits[best];
            assertEquals(best, Sampler.argmax(tied));
        });
    }

    @Test
    void aSeedFixesTheSequenceOfDraws() {
        record Case(float[] logits, double temperature, double topP, int topK, long seed) {}
        Gen<Case> cases = in -> new Case(
                logits().generate(in),
                doubles().between(0.1, 3).generate(in),
                doubles().between(0.05, 1).generate(in),
                integers().between(0, 10).generate(in),
                longs().all().generate(in));
        qt(100).forAll(cases)
                .checkAssert(
                        c -> aSeedFixesTheSequenceOfDraws(c.logits(), c.temperature(), c.topP(), c.topK(), c.seed()));
    }

    private void aSeedFixesTheSequenceOfDraws(float[] logits, double temperature, double topP, int topK, long seed) {
        SamplingConfig config = new SamplingConfig(temperature, topP, topK, seed);
        Sampler a = new Sampler(config), b = new Sampler(config);
        for (int draw = 0; draw < 20; draw++) {
            int id = a.next(logits);
            assertEquals(id, b.next(logits));
            assertTrue(id >= 0 && id < logits.length);
        }
    }

    @Test
    void differentSeedsGiveDifferentDraws() {
        float[] flat = new float[16];
        int[] first = draws(new Sampler(new SamplingConfig(1, 1, 0, 1)), flat, 30),
                second = draws(new Sampler(new SamplingConfig(1, 1, 0, 2)), flat, 30);
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void topPNeverLeavesTheNucleus() {
        qt(150).forAll(logits(), doubles().between(0.2, 2), doubles().between(0.01, 0.99), longs().all())
                .checkAssert((logits, temperature, topP, seed) -> {
                    double[] p = softmax(logits, temperature);
                    double[] sorted = p.clone();
                    Arrays.sort(sorted);
                    // the smallest prefix (largest first) reaching topP; tokens tied with its last one may stand in for
                    // it
                    double cum = 0, threshold = 0;
                    for (int i = sorted.length - 1; i >= 0; i--) {
                        cum += sorted[i];
                        threshold = sorted[i];
                        if (cum >= topP + 1e-9) break;
                    }
                    Sampler sampler = new Sampler(new SamplingConfig(temperature, topP, 0, seed));
                    for (int draw = 0; draw < 50; draw++) {
                        int id = sampler.next(logits);
                        assertTrue(
                                p[id] >= threshold - 1e-12,
                                "token " + id + " with probability " + p[id] + " is outside the top-p " + topP
                                        + " nucleus");
                    }
                });
    }

    @Test
    void topKNeverLeavesTheKMostLikely() {
        qt(150).forAll(logits(), integers().between(1, 8), longs().all()).checkAssert((logits, k, seed) -> {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            float kth = sorted[Math.max(0, sorted.length - k)];
            Sampler sampler = new Sampler(new SamplingConfig(1.5, 1, k, seed));
            for (int draw = 0; draw < 50; draw++) {
                int id = sampler.next(logits);
                assertTrue(logits[id] >= kth, "token " + id + " (logit " + logits[id] + ") is not among the top " + k);
            }
            if (k == 1)
                assertEquals(Sampler.argmax(logits), new Sampler(new SamplingConfig(5, 1, 1, seed)).next(logits));
        });
    }

    @Test
    void maskedTokensAreNeverDrawn() {
        qt(50).forAll(logits(), longs().all()).checkAssert((logits, seed) -> {
            float[] masked = logits.clone();
            Random r = new Random(seed);
            int kept = r.nextInt(masked.length);
            for (int i = 0; i < masked.length; i++)
                if (i != kept && r.nextBoolean()) masked[i] = Float.NEGATIVE_INFINITY;
            Sampler sampler = new Sampler(new SamplingConfig(1, 1, 0, seed));
            for (int draw = 0; draw < 50; draw++)
                assertNotEquals(Float.NEGATIVE_INFINITY, masked[sampler.next(masked)]);
        });
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        float[] logits = {1e30f, -1e30f, 3e38f, 0};
        Sampler sampler = new Sampler(new SamplingConfig(1, 1, 0, 5));
        for (int draw = 0; draw < 20; draw++) assertEquals(2, sampler.next(logits));
    }

    @Test
    void aNanLogitIsRejectedWithItsPosition() {
        float[] logits = {0.5f, 1f, Float.NaN, 2f};
        for (SamplingConfig config : new SamplingConfig[] {
            SamplingConfig.greedy(), new SamplingConfig(1, 1, 0, 3), new SamplingConfig(1, 0.9, 2, 3)
        }) {
            assertMessage("logit at position 2 is NaN", () -> new Sampler(config).next(logits));
        }
        assertMessage("logit at position 0 is NaN", () -> Sampler.argmax(new float[] {Float.NaN, 1f}));
    }

    @Test
    void allLogitsMinusInfinityIsRejected() {
        float[] logits = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (SamplingConfig config : new SamplingConfig[] {SamplingConfig.greedy(), new SamplingConfig(1, 1, 0, 3)}) {
            assertMessage("all 3 logits are -Infinity: no token has finite probability", () -> new Sampler(config)
                    .next(logits));
        }
    }

    @Test
    void emptyLogitsAreRejected() {
        for (SamplingConfig config : new SamplingConfig[] {SamplingConfig.greedy(), new SamplingConfig(1, 1, 0, 3)}) {
            assertMessage("no logits to choose from: the array is empty", () -> new Sampler(config).next(new float[0]));
        }
    }

    @Test
    void plusInfinityIsTheGreedyChoiceButCannotBeSampled() {
        float[] logits = {0f, Float.POSITIVE_INFINITY, 1f};
        assertEquals(1, new Sampler(SamplingConfig.greedy()).next(logits));
        assertMessage(
                "logit at position 1 is +Infinity: sampling needs finite logits",
                () -> new Sampler(new SamplingConfig(1, 1, 0, 3)).next(logits));
    }

    static final float[] FIXED = {1.0f, 0.5f, 0f, -0.5f, -1f, 2f, 0.25f};
    static final int DRAWS = 20_000;
    /** The 99.9% quantile of chi-square with 6 degrees of freedom: a correct sampler exceeds it one time in a thousand. */
    static final double CHI2_6_999 = 22.46;

    @Test
    void frequenciesFollowTheTemperedSoftmax() {
        double[] expected = softmax(FIXED, 0.8);
        long[] counts = counts(new SamplingConfig(0.8, 1, 0, 123));
        assertTrue(chiSquare(counts, expected) < CHI2_6_999, "chi-square " + chiSquare(counts, expected));
        assertTrue(
                chiSquare(counts, softmax(FIXED, 1.0)) > 10 * CHI2_6_999,
                "the bound cannot tell temperature 0.8 from 1.0");
    }

    @Test
    void truncatedFrequenciesFollowTheRenormalisedSoftmax() {
        double[] p = softmax(FIXED, 1.0);
        // by probability: 0.49, 0.18, 0.11, 0.09, ...; top-p 0.6 keeps the two most likely
        Integer[] order = {5, 0, 1, 6, 2, 3, 4};
        double cum = 0;
        int keep = 0;
        while (cum < 0.6) cum += p[order[keep++]];
        assertEquals(2, keep);
        double[] nucleus = new double[p.length];
        for (int i = 0; i < keep; i++) nucleus[order[i]] = p[order[i]] / cum;
        long[] counts = counts(new SamplingConfig(1.0, 0.6, 0, 77));
        assertChiSquare(counts, nucleus);

        double[] topThree = new double[p.length];
        double top = p[5] + p[0] + p[1];
        for (int i : new int[] {5, 0, 1}) topThree[i] = p[i] / top;
        assertChiSquare(counts(new SamplingConfig(1.0, 1, 3, 78)), topThree);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertMessage("temperature must be >= 0, got -0.5", () -> new SamplingConfig(-0.5, 1, 0, 0));
        assertMessage("temperature must be >= 0, got NaN", () -> new SamplingConfig(Double.NaN, 1, 0, 0));
        assertMessage("topP must be in (0, 1], got 0.0", () -> new SamplingConfig(1, 0, 0, 0));
        assertMessage("topP must be in (0, 1], got 1.5", () -> new SamplingConfig(1, 1.5, 0, 0));
        assertMessage("topP must be in (0, 1], got NaN", () -> new SamplingConfig(1, Double.NaN, 0, 0));
        assertMessage("topK must be >= 0, got -1", () -> new SamplingConfig(1, 1, -1, 0));
        assertEquals(new SamplingConfig(0, 1, 0, 0), SamplingConfig.greedy());
    }

    static void assertChiSquare(long[] counts, double[] expected) {
        int support = 0;
        for (int i = 0; i < counts.length; i++) {
            if (expected[i] == 0)
                assertEquals(0, counts[i], "token " + i + " is outside the allowed set but was drawn");
            else support++;
        }
        double[] quantiles999 = {0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46};
        double chi2 = chiSquare(counts, expected);
        assertTrue(chi2 < quantiles999[support - 1], "chi-square " + chi2 + " over " + support + " tokens");
    }

    static double chiSquare(long[] counts, double[] expected) {
        double chi2 = 0;
        for (int i = 0; i < counts.length; i++) {
            if (expected[i] == 0) continue;
            double e = expected[i] * DRAWS;
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        return chi2;
    }

    static long[] counts(SamplingConfig config) {
        Sampler sampler = new Sampler(config);
        long[] counts = new long[FIXED.length];
        for (int draw = 0; draw < DRAWS; draw++) counts[sampler.next(FIXED)]++;
        return counts;
    }

    static int[] draws(Sampler sampler, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = sampler.next(logits);
        return out;
    }

    static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertEquals(expected, e.getMessage());
    }
}

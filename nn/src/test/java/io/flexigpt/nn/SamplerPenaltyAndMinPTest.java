package io.flexigpt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of min-p and of the repetition penalty, checked on many random logit rows: min-p keeps exactly
 * the tokens with p >= min_p * p_max (temperature-1 probabilities, as llama.cpp) and leaves their ratios as
 * the temperature makes them; the penalty follows llama.cpp's law (positive logits divided, negative ones
 * multiplied, once per distinct token of the last n, nothing else touched).
 */
class SamplerPenaltyAndMinPTest {
    private static final int CASES = 400;

    private static float[] randomLogits(Random r) {
        float[] logits = new float[1 + r.nextInt(40)];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextDouble() * 16 - 8);
        if (r.nextBoolean()) logits[r.nextInt(logits.length)] = 0f;
        return logits;
    }

    private static int[] randomTokens(Random r, int vocab) {
        int[] tokens = new int[r.nextInt(30)];
        for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(vocab);
        return tokens;
    }

    @Test
    void minPKeepsExactlyTheTokensWithProbabilityAtLeastMinPTimesTheLargest() {
        Random r = new Random(11);
        for (int c = 0; c < CASES; c++) {
            float[] logits = randomLogits(r);
            double minP = 0.01 + 0.99 * r.nextDouble(), temperature = 0.2 + 1.8 * r.nextDouble();
            Sampler sampler = new Sampler(new SamplingConfig(temperature, 1, 0, c, minP, 1, 0));
            int best = Sampler.argmax(logits);
            double[] w = sampler.weights(logits, best);
            double z = 0;
            for (float l : logits) z += Math.exp((double) l - logits[best]);
            double pMax = 1 / z;
            for (int i = 0; i < logits.length; i++) {
                double p = Math.exp((double) logits[i] - logits[best]) / z;
                if (Math.abs(p / pMax - minP) < 1e-9 * minP) continue; // exactly on the boundary, rounding decides
                assertEquals(p >= minP * pMax, w[i] > 0, "token " + i + " p=" + p + " minP*pMax=" + minP * pMax);
                if (w[i] > 0)
                    assertEquals(
                            Math.exp(((double) logits[i] - logits[best]) / temperature),
                            w[i],
                            1e-12 * Math.max(1, w[i]));
            }
            for (int draw = 0; draw < 20; draw++) {
                int id = sampler.next(logits);
                assertTrue(w[id] > 0, "drew token " + id + " that min-p removed");
            }
        }
    }

    @Test
    void minPOfOneKeepsOnlyTheMostLikelyTokensAndZeroKeepsAll() {
        Random r = new Random(12);
        for (int c = 0; c < CASES; c++) {
            float[] logits = randomLogits(r);
            int best = Sampler.argmax(logits);
            double[] one = new Sampler(new SamplingConfig(1, 1, 0, c, 1, 1, 0)).weights(logits, best);
            double[] zero = new Sampler(new SamplingConfig(1, 1, 0, c, 0, 1, 0)).weights(logits, best);
            for (int i = 0; i < logits.length; i++) {
                assertEquals(logits[i] == logits[best], one[i] > 0);
                assertTrue(zero[i] > 0 || logits[i] - logits[best] < -700);
            }
        }
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfTheLastNTokensOnce() {
        Random r = new Random(13);
        for (int c = 0; c < CASES; c++) {
            float[] logits = randomLogits(r);
            float[] before = logits.clone();
            int[] tokens = randomTokens(r, logits.length);
            double penalty = 0.5 + 2 * r.nextDouble();
            int lastN = r.nextInt(4) == 0 ? -1 : r.nextInt(40);
            float[] out = new Sampler(new SamplingConfig(0, 1, 0, 0, 0, penalty, lastN))
                    .penalized(logits, tokens, tokens.length);
            assertArrayEquals(before, logits, "the caller's logits are not modified");
            int window = lastN < 0 ? tokens.length : Math.min(lastN, tokens.length);
            boolean[] recent = new boolean[logits.length];
            for (int i = tokens.length - window; i < tokens.length; i++) recent[tokens[i]] = true;
            for (int t = 0; t < logits.length; t++) {
                float expected = !recent[t]
                        ? logits[t]
                        : logits[t] > 0 ? logits[t] / (float) penalty : logits[t] * (float) penalty;
                assertEquals(expected, out[t], 0f, "token " + t);
                if (recent[t] && penalty > 1)
                    assertTrue(out[t] <= logits[t], "a penalty above 1 never makes a repeated token more likely");
            }
        }
    }

    @Test
    void greedyChoiceSeesThePenaltyAndAPenaltyOfOneOrAnEmptyWindowChangesNothing() {
        Random r = new Random(14);
        for (int c = 0; c < CASES; c++) {
            float[] logits = randomLogits(r);
            int[] tokens = randomTokens(r, logits.length);
            Sampler penalized = new Sampler(new SamplingConfig(0, 1, 0, 0, 0, 1.8, 64));
            assertEquals(
                    Sampler.argmax(penalized.penalized(logits, tokens, tokens.length)),
                    penalized.next(logits, tokens, tokens.length));
            assertArrayEquals(
                    logits,
                    new Sampler(new SamplingConfig(0, 1, 0, 0, 0, 1, 64)).penalized(logits, tokens, tokens.length));
            assertArrayEquals(
                    logits,
                    new Sampler(new SamplingConfig(0, 1, 0, 0, 0, 1.8, 0)).penalized(logits, tokens, tokens.length));
        }
        float[] logits = {2f, 1.9f, -1f};
        Sampler sampler = new Sampler(new SamplingConfig(0, 1, 0, 0, 0, 1.1, 64));
        assertEquals(0, sampler.next(logits, new int[0], 0));
        assertEquals(1, sampler.next(logits, new int[] {0, 0, 0}, 3), "2/1.1 < 1.9: the repeated token loses its lead");
        assertEquals(0, sampler.next(logits, new int[] {2, 0}, 1), "only the first `length` tokens count");
    }

    @Test
    void invalidSettingsAreRejectedWithTheirValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(1, 1, 0, 0, 1.5, 1, 0))
                .getMessage()
                .contains("1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(1, 1, 0, 0, 0, 0, 0))
                .getMessage()
                .contains("repeatPenalty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(1, 1, 0, 0, 0, Double.NaN, 0))
                .getMessage()
                .contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(1, 1, 0, 0, 0, 1, -2))
                .getMessage()
                .contains("-2"));
    }
}

package io.flexigpt.nn;

import io.flexigpt.tensor.Rng;
import java.util.Arrays;

/** Picks the next token from a row of logits according to a {@link SamplingConfig}. */
public final class Sampler {
    private final SamplingConfig config;
    private final Rng rng;

    public Sampler(SamplingConfig config) {
        this.config = config;
        this.rng = new Rng(config.seed());
    }

    /**
     * The next token id. Throws IllegalArgumentException when {@code logits} is empty, holds a NaN, gives no
     * token a finite probability (all -Infinity), or (when sampling) holds +Infinity.
     */
    public int next(float[] logits) {
        return next(logits, new int[0], 0);
    }

    /**
     * The next token after the sequence {@code tokens[0..length)} (prompt and generated tokens so far), whose
     * last {@code repeatLastN} tokens the repetition penalty sees. {@code logits} is not modified.
     */
    public int next(float[] logits, int[] tokens, int length) {
        logits = penalized(logits, tokens, length);
        int best = argmax(logits);
        if (config.temperature() == 0) return best;
        int n = logits.length;
        double[] p = weights(logits, best);
        double sum = 0;
        for (double w : p) sum += w;
        Integer[] order = null;
        int keep = n;
        if (config.topK() > 0 || config.topP() < 1) {
            order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            final double[] probs = p;
            Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
            if (config.topK() > 0) keep = Math.min(keep, config.topK());
            if (config.topP() < 1) {
                double cum = 0;
                for (int i = 0; i < keep; i++) {
                    cum += p[order[i]] / sum;
                    if (cum >= config.topP()) {
                        keep = i + 1;
                        break;
                    }
                }
            }
        }
        double total = 0;
        for (int i = 0; i < keep; i++) total += p[order == null ? i : order[i]];
        double r = rng.nextDouble() * total;
        double cum = 0;
        int last = best;
        for (int i = 0; i < keep; i++) {
            int id = order == null ? i : order[i];
            if (p[id] == 0) continue;
            cum += p[id];
            if (r < cum) return id;
            last = id;
        }
        return last;
    }

    /**
     * Unnormalised probabilities at the configured (non-zero) temperature, 0 for the tokens min-p removes;
     * {@code best} is the index of the largest logit.
     */
    double[] weights(float[] logits, int best) {
        double max = logits[best];
        if (max == Double.POSITIVE_INFINITY)
            throw new IllegalArgumentException(
                    "logit at position " + best + " is +Infinity: sampling needs finite logits");
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            // min-p on the temperature-1 probabilities: p_i / p_max = exp(logit_i - max logit)
            boolean kept = config.minP() == 0 || Math.exp(logits[i] - max) >= config.minP();
            p[i] = kept ? Math.exp((logits[i] - max) / config.temperature()) : 0;
        }
        return p;
    }

    /**
     * {@code logits} after llama.cpp's repetition penalty over the last {@code repeatLastN} of
     * {@code tokens[0..length)}: each distinct token's positive logit divided by the penalty, a negative one
     * multiplied by it. The same array when the penalty is off, else a copy.
     */
    float[] penalized(float[] logits, int[] tokens, int length) {
        int window = config.repeatLastN() < 0 ? length : Math.min(length, config.repeatLastN());
        if (config.repeatPenalty() == 1 || window == 0) return logits;
        float[] out = logits.clone();
        boolean[] seen = new boolean[logits.length];
        float penalty = (float) config.repeatPenalty();
        for (int i = length - window; i < length; i++) {
            int t = tokens[i];
            if (t < 0 || t >= logits.length || seen[t]) continue;
            seen[t] = true;
            out[t] = out[t] > 0 ? out[t] / penalty : out[t] * penalty;
        }
        return out;
    }

    /**
     * Index of the largest logit (the first one on ties), checked in the same pass: an empty array, a NaN
     * or all logits -Infinity (no token has finite probability) throw IllegalArgumentException.
     */
    public static int argmax(float[] logits) {
        if (logits.length == 0) throw new IllegalArgumentException("no logits to choose from: the array is empty");
        int best = 0;
        float max = logits[0];
        if (Float.isNaN(max)) throw nan(0);
        for (int i = 1; i < logits.length; i++) {
            float l = logits[i];
            if (l > max) {
                max = l;
                best = i;
            } else if (l != l) {
                throw nan(i);
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "all " + logits.length + " logits are -Infinity: no token has finite probability");
        }
        return best;
    }

    private static IllegalArgumentException nan(int position) {
        return new IllegalArgumentException("logit at position " + position + " is NaN");
    }
}

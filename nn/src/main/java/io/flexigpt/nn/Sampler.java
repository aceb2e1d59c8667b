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
        int best = argmax(logits);
        if (config.temperature() == 0) return best;
        int n = logits.length;
        double max = logits[best];
        if (max == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("logit at position " + best + " is +Infinity: sampling needs finite logits");
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / config.temperature());
            sum += p[i];
        }
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
        for (int i = 0; i < keep; i++) {
            int id = order == null ? i : order[i];
            cum += p[id];
            if (r < cum) return id;
        }
        return order == null ? keep - 1 : order[keep - 1];
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
            throw new IllegalArgumentException("all " + logits.length + " logits are -Infinity: no token has finite probability");
        }
        return best;
    }

    private static IllegalArgumentException nan(int position) {
        return new IllegalArgumentException("logit at position " + position + " is NaN");
    }
}

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

    public int next(float[] logits) {
        if (config.temperature() == 0) return argmax(logits);
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
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

    /** Index of the largest logit (the first one on ties). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}

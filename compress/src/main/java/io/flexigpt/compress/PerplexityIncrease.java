package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;

/** Shortened-LLaMA's metric: how much the calibration perplexity rises when the block alone is removed. */
final class PerplexityIncrease implements ImportanceMetric {
    @Override
    public String name() {
        return "ppl";
    }

    @Override
    public double[] score(LlamaModel model, CalibrationData data) {
        double base = data.perplexity(model);
        int n = model.blocks().size();
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            TransformerBlock removed = model.blocks().remove(i);
            try {
                s[i] = data.perplexity(model) - base;
            } finally {
                model.blocks().insert(i, removed);
            }
        }
        return s;
    }
}

package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;

/** Scores every block of a model on calibration data; a higher score means a more important block. */
public interface ImportanceMetric {
    String name();

    double[] score(LlamaModel model, CalibrationData data);

    /** The metric called {@code name}: {@code bi}, {@code ppl}, {@code l2} or {@code taylor}. */
    static ImportanceMetric byName(String name) {
        switch (name) {
            case "bi": return new BlockInfluence();
            case "ppl": return new PerplexityIncrease();
            case "l2": return new RelativeL2();
            case "taylor": return new TaylorImportance();
            default: throw new IllegalArgumentException("unknown importance metric '" + name + "'; expected bi, ppl, l2 or taylor");
        }
    }
}

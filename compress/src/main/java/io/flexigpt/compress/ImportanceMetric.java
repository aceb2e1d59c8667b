package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;

/** Scores every block of a model on calibration data; a higher score means a more important block. */
public interface ImportanceMetric {
    String name();

    double[] score(LlamaModel model, CalibrationData data);

    /** {@link #score}, where a NaN or infinite score is an error (never a printed number). */
    default double[] finiteScores(LlamaModel model, CalibrationData data) {
        double[] scores = score(model, data);
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i]))
                throw new ArithmeticException(name() + " importance of block " + i + " is " + scores[i]
                        + "; the model's activations are not finite");
        }
        return scores;
    }

    /** The metric called {@code name}: {@code bi}, {@code ppl}, {@code l2} or {@code taylor}. */
    static ImportanceMetric byName(String name) {
        switch (name) {
            case "bi":
                return new BlockInfluence();
            case "ppl":
                return new PerplexityIncrease();
            case "l2":
                return new RelativeL2();
            case "taylor":
                return new TaylorImportance();
            default:
                throw new IllegalArgumentException(
                        "unknown importance metric '" + name + "'; expected bi, ppl, l2 or taylor");
        }
    }
}

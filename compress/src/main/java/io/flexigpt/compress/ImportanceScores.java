package io.flexigpt.compress;

/** Per-block importance scores together with the metric and calibration settings that produced them. */
public record ImportanceScores(String metric, double[] scores, int calibrationTokens, int seqLen) {
    public static ImportanceScores compute(ImportanceMetric metric, io.flexigpt.nn.LlamaModel model, CalibrationData data) {
        return new ImportanceScores(metric.name(), metric.score(model, data), data.tokens(), data.seqLen());
    }
}

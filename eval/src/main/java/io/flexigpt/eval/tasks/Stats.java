package io.flexigpt.eval.tasks;

/** The aggregate statistics lm-evaluation-harness reports for per-item scores. */
final class Stats {
    private Stats() {}

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Sample standard deviation (n - 1 denominator) over sqrt(n); NaN for fewer than two values. */
    static double meanStderr(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
    }
}

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

    /**
     * Standard error of {@code exp(-mean(logLikelihoods))} by the bootstrap, as lm-evaluation-harness
     * estimates it for perplexity: the sample standard deviation of the statistic over {@code resamples}
     * resamples of the items with replacement ({@code java.util.Random(seed)}); NaN for fewer than two items.
     */
    static double bootstrapPerplexityStderr(double[] logLikelihoods, int resamples, long seed) {
        int n = logLikelihoods.length;
        if (n < 2) {
            return Double.NaN;
        }
        java.util.Random random = new java.util.Random(seed);
        double[] statistic = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += logLikelihoods[random.nextInt(n)];
            }
            statistic[b] = Math.exp(-sum / n);
        }
        return meanStderr(statistic) * Math.sqrt(resamples);
    }
}

package io.flexigpt.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One reported number: which model, which task, which metric, its value, its standard error, how many
 * items or tokens it came from and the settings that produced it. Settings values are JSON scalars
 * (String, Long, Double, Boolean); ints and floats are widened so a JSON round trip gives an equal result.
 *
 * @param stderr standard error of {@code value}, or NaN when the metric has none (perplexities)
 * @param n number of items (tasks) or scored tokens (perplexity) behind the value
 */
public record EvalResult(
        String model, String task, String metric, double value, double stderr, long n, Map<String, Object> settings) {

    public EvalResult {
        if (model == null || task == null || metric == null) {
            throw new IllegalArgumentException("model, task and metric are required");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        settings.forEach((key, v) -> copy.put(key, jsonScalar(key, v)));
        settings = Collections.unmodifiableMap(copy);
    }

    /** Whether a standard error is reported. */
    public boolean hasStderr() {
        return !Double.isNaN(stderr);
    }

    /** This result with one more setting (e.g. the compression rate of the model it measured). */
    public EvalResult withSetting(String key, Object v) {
        Map<String, Object> more = new LinkedHashMap<>(settings);
        more.put(key, v);
        return new EvalResult(model, task, metric, value, stderr, n, more);
    }

    private static Object jsonScalar(String key, Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof Enum<?>) {
            return ((Enum<?>) v).name().toLowerCase(Locale.ROOT);
        }
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v;
        }
        throw new IllegalArgumentException(
                "setting " + key + " is a " + v.getClass().getSimpleName() + ", not a JSON scalar");
    }
}

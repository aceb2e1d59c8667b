package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results as JSON: {@code {"format": "flexigpt-eval-results", "version": 1, "results": [{"model",
 * "task", "metric", "value", "stderr", "n", "settings"}, ...]}}. A missing standard error is
 * {@code null}; non-finite values are the strings "Infinity", "-Infinity" or "NaN".
 */
public final class JsonReport {
    static final String FORMAT = "flexigpt-eval-results";

    private JsonReport() {}

    /** The JSON text of the results. */
    public static String toJson(List<EvalResult> results) {
        List<Object> rows = new ArrayList<>();
        for (EvalResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", r.model());
            row.put("task", r.task());
            row.put("metric", r.metric());
            row.put("value", number(r.value()));
            row.put("stderr", r.hasStderr() ? number(r.stderr()) : null);
            row.put("n", r.n());
            row.put("settings", r.settings());
            rows.add(row);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", FORMAT);
        document.put("version", 1L);
        document.put("results", rows);
        return Json.writePretty(document);
    }

    /** Writes the results atomically. */
    public static void write(Path file, List<EvalResult> results) throws IOException {
        AtomicFiles.writeString(file, toJson(results));
    }

    /** Reads results written by {@link #write}. */
    public static List<EvalResult> read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses the JSON text of results; {@code source} names it in errors. */
    public static List<EvalResult> parse(String text, String source) throws FormatException {
        Object document = Json.parse(text, source);
        if (!(document instanceof Map) || !FORMAT.equals(((Map<?, ?>) document).get("format"))) {
            throw new FormatException(source + ": not a " + FORMAT + " document");
        }
        Object rows = ((Map<?, ?>) document).get("results");
        if (!(rows instanceof List)) {
            throw new FormatException(source + ": \"results\" must be a list");
        }
        List<EvalResult> results = new ArrayList<>();
        int index = 0;
        for (Object row : (List<?>) rows) {
            results.add(result(row, source + " results[" + index++ + "]"));
        }
        return results;
    }

    @SuppressWarnings("unchecked")
    private static EvalResult result(Object row, String where) throws FormatException {
        if (!(row instanceof Map)) {
            throw new FormatException(where + ": expected an object");
        }
        Map<String, Object> fields = (Map<String, Object>) row;
        Object settings = fields.get("settings");
        Object n = fields.get("n");
        if (!(settings instanceof Map) || !(n instanceof Long)) {
            throw new FormatException(where + ": needs an integer \"n\" and a \"settings\" object");
        }
        try {
            return new EvalResult(
                    text(fields, "model", where),
                    text(fields, "task", where),
                    text(fields, "metric", where),
                    decimal(fields.get("value"), where),
                    decimal(fields.get("stderr"), where),
                    (Long) n,
                    (Map<String, Object>) settings);
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, Object> fields, String key, String where) throws FormatException {
        Object value = fields.get(key);
        if (!(value instanceof String)) {
            throw new FormatException(where + ": \"" + key + "\" must be a string");
        }
        return (String) value;
    }

    private static Object number(double value) {
        return Double.isFinite(value) ? (Object) value : Double.toString(value);
    }

    private static double decimal(Object value, String where) throws FormatException {
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof String) {
            switch ((String) value) {
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                case "NaN":
                    return Double.NaN;
                default:
                    break;
            }
        }
        throw new FormatException(where + ": expected a number, found " + value);
    }
}

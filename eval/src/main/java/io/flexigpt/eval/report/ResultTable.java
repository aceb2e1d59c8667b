package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Results pivoted to one row per model and one column per task and metric, in first-seen order. */
final class ResultTable {
    final List<String> models;
    final List<String> columns;
    private final Map<String, EvalResult> cells = new LinkedHashMap<>();

    ResultTable(List<EvalResult> results) {
        Set<String> modelSet = new LinkedHashSet<>();
        Set<String> columnSet = new LinkedHashSet<>();
        for (EvalResult r : results) {
            modelSet.add(r.model());
            columnSet.add(column(r));
            cells.put(r.model() + "\u0000" + column(r), r);
        }
        models = new ArrayList<>(modelSet);
        columns = new ArrayList<>(columnSet);
    }

    static String column(EvalResult r) {
        return r.task() + " " + r.metric();
    }

    /** "value ± stderr", "value", or "" when the model has no such result. */
    String cell(String model, String column) {
        EvalResult r = cells.get(model + "\u0000" + column);
        if (r == null) {
            return "";
        }
        return r.hasStderr() ? format(r.value()) + " ± " + format(r.stderr()) : format(r.value());
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}

package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import java.util.List;

/**
 * Results as lm-evaluation-harness prints them: a Markdown table with one row per task and metric
 * (task, metric, value, ±, stderr, n); the task name is given on its first row only.
 */
public final class VerticalTable {
    private VerticalTable() {}

    public static String table(List<EvalResult> results) {
        StringBuilder md = new StringBuilder("| task | metric | value |   | stderr | n |\n|---|---|---:|---|---:|---:|\n");
        String previous = null;
        for (EvalResult r : results) {
            String task = r.task().equals(previous) ? "" : r.task().replace("|", "\\|");
            previous = r.task();
            md.append("| ").append(task).append(" | ").append(r.metric()).append(" | ").append(ResultTable.format(r.value())).append(" | ")
                    .append(r.hasStderr() ? "±" : "").append(" | ").append(r.hasStderr() ? ResultTable.format(r.stderr()) : "N/A").append(" | ")
                    .append(r.n()).append(" |\n");
        }
        return md.toString();
    }
}

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
        MarkdownTable md = new MarkdownTable()
                .left("task")
                .left("metric")
                .right("value")
                .left(" ")
                .right("stderr")
                .right("n");
        String previous = null;
        for (EvalResult r : results) {
            String task = r.task().equals(previous) ? "" : r.task();
            previous = r.task();
            md.row(
                    task,
                    r.metric(),
                    ResultTable.format(r.value()),
                    r.hasStderr() ? "±" : "",
                    r.hasStderr() ? ResultTable.format(r.stderr()) : "N/A",
                    r.n());
        }
        return md.toString();
    }
}

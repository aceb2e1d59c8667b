package io.flexigpt.eval.report;

import io.flexigpt.tensor.io.AtomicFiles;
import io.flexigpt.eval.EvalResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, no network) showing results: one line
 * chart per task and metric of the value against compression rate, drawn from the results that carry a
 * numeric {@value #COMPRESSION_RATE} setting (one line per {@value #METHOD} setting, or per model when
 * absent); one bar chart per metric comparing models across tasks for the other task-metric pairs;
 * and the full table.
 */
public final class HtmlReport {
    /** Setting key giving the compression rate of the measured model, plotted on the x axis. */
    public static final String COMPRESSION_RATE = "compression_rate";
    /** Setting key naming the compression method; one line per method. */
    public static final String METHOD = "method";

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            svg { display: block; margin: 1em 0; background: #fff; border: 1px solid #ddd; }
            .title { font-size: 15px; font-weight: 600; }
            .tick, .legend { font-size: 11px; fill: #333; }
            .axis { font-size: 12px; fill: #333; }
            .grid { stroke: #e4e4e4; }
            .frame { stroke: #888; }
            table { border-collapse: collapse; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; white-space: nowrap; }
            th:first-child, td:first-child { text-align: left; }
            """;

    private HtmlReport() {}

    /** The HTML page. */
    public static String render(String title, List<EvalResult> results) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.append("<title>").append(escape(title)).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        List<EvalResult> curves = results.stream()
                .filter(r -> r.settings().get(COMPRESSION_RATE) instanceof Number).toList();
        Set<String> drawnAsLines = curves.stream().map(HtmlReport::chartKey).collect(Collectors.toSet());
        List<EvalResult> bars = results.stream().filter(r -> !drawnAsLines.contains(chartKey(r))).toList();
        if (!bars.isEmpty()) {
            html.append("<h2>Scores by task</h2>\n");
            barCharts(html, bars);
        }
        if (!curves.isEmpty()) {
            html.append("<h2>Against compression rate</h2>\n");
            lineCharts(html, curves);
        }
        html.append("<h2>All results</h2>\n");
        table(html, results);
        return html.append("</body>\n</html>\n").toString();
    }

    /** Writes the page atomically. */
    public static void write(Path file, String title, List<EvalResult> results) throws IOException {
        AtomicFiles.writeString(file, render(title, results));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static void barCharts(StringBuilder html, List<EvalResult> results) {
        Map<String, List<EvalResult>> byMetric = new LinkedHashMap<>();
        for (EvalResult r : results) {
            byMetric.computeIfAbsent(r.metric(), k -> new ArrayList<>()).add(r);
        }
        byMetric.forEach((metric, rows) -> {
            List<String> tasks = new ArrayList<>(new LinkedHashSet<>(rows.stream().map(EvalResult::task).toList()));
            List<String> models = new ArrayList<>(new LinkedHashSet<>(rows.stream().map(EvalResult::model).toList()));
            double[][] values = new double[models.size()][tasks.size()];
            for (double[] row : values) {
                Arrays.fill(row, Double.NaN);
            }
            for (EvalResult r : rows) {
                values[models.indexOf(r.model())][tasks.indexOf(r.task())] = r.value();
            }
            html.append(Svg.bars(metric, tasks, models, values));
        });
    }

    private static void lineCharts(StringBuilder html, List<EvalResult> curves) {
        Map<String, Map<String, List<double[]>>> charts = new LinkedHashMap<>();
        for (EvalResult r : curves) {
            String series = r.settings().get(METHOD) instanceof String ? (String) r.settings().get(METHOD) : r.model();
            double rate = ((Number) r.settings().get(COMPRESSION_RATE)).doubleValue();
            charts.computeIfAbsent(chartKey(r), k -> new LinkedHashMap<>())
                    .computeIfAbsent(series, k -> new ArrayList<>())
                    .add(new double[] {rate, r.value()});
        }
        charts.forEach((chart, series) -> {
            String metric = chart.substring(chart.indexOf(' ') + 1);
            html.append(Svg.lines(chart + " against compression rate", "compression rate", metric, series));
        });
    }

    private static String chartKey(EvalResult r) {
        return r.task() + " " + r.metric();
    }

    private static void table(StringBuilder html, List<EvalResult> results) {
        ResultTable table = new ResultTable(results);
        html.append("<table>\n<tr><th>model</th>");
        table.columns.forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr>\n");
        for (String model : table.models) {
            html.append("<tr><td>").append(escape(model)).append("</td>");
            for (String column : table.columns) {
                html.append("<td>").append(escape(table.cell(model, column))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }
}

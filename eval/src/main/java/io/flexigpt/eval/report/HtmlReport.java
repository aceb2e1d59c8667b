package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.io.AtomicFiles;
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
 * and the full table. A compression run ({@link CompressionReport}) gets its own page.
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
            .summary { max-width: 60em; line-height: 1.45; }
            .note { font-size: 13px; color: #555; max-width: 60em; }
            """;

    private HtmlReport() {}

    /** The HTML page. */
    public static String render(String title, List<EvalResult> results) {
        StringBuilder html = head(title);
        results(html, results);
        return html.append("</body>\n</html>\n").toString();
    }

    /**
     * The page of a compression run: what was done, block importance with the pruned blocks marked, the
     * source each replacement shares, the recovery loss curves, held-out perplexity per model, the parameter
     * accounting, the time per phase (when given) and the table of all results.
     */
    public static String render(CompressionReport report) {
        StringBuilder html = head(report.title());
        html.append("<p class=\"summary\">").append(escape(report.summary())).append("</p>\n");
        html.append("<h2>Block importance</h2>\n");
        Set<Integer> pruned = Arrays.stream(report.pruned()).boxed().collect(Collectors.toSet());
        html.append(Svg.importance(
                report.importanceMetric() + " per block; pruned in red: " + Arrays.toString(report.pruned()),
                report.importance(),
                pruned));
        html.append("<h2>Shared sources</h2>\n");
        sources(html, report);
        html.append("<h2>Recovery training loss</h2>\n");
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        report.lossCurves().forEach((method, losses) -> {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < losses.length; i++) {
                if (Double.isFinite(losses[i])) {
                    points.add(new double[] {i + 1, losses[i]});
                }
            }
            if (!points.isEmpty()) {
                curves.put(method, points);
            }
        });
        int steps = curves.values().stream().mapToInt(List::size).max().orElse(0);
        int window = Math.max(1, steps / 15);
        html.append(
                curves.isEmpty()
                        ? "<p>No method was trained.</p>\n"
                        : Svg.curves(
                                "Training loss per recovery step"
                                        + (window > 1
                                                ? " (faint: each step; solid: mean of the last " + window + ")"
                                                : ""),
                                "step",
                                "loss",
                                curves,
                                window));
        perplexityBars(html, report.results());
        html.append("<h2>Parameters</h2>\n");
        parameters(html, report.parameters());
        if (!report.phaseSeconds().isEmpty()) {
            html.append("<h2>Phase times</h2>\n<table>\n<tr><th>phase</th><th>seconds</th></tr>\n");
            report.phaseSeconds().forEach((phase, seconds) -> html.append("<tr><td>")
                    .append(escape(phase))
                    .append("</td><td>")
                    .append(String.format(java.util.Locale.ROOT, "%.1f", seconds))
                    .append("</td></tr>\n"));
            html.append("</table>\n");
        }
        html.append("<h2>All results</h2>\n");
        table(html, report.results());
        return html.append("</body>\n</html>\n").toString();
    }

    /** Writes the page of a compression run atomically. */
    public static void write(Path file, CompressionReport report) throws IOException {
        AtomicFiles.writeString(file, render(report));
    }

    private static StringBuilder head(String title) {
        StringBuilder html =
                new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n");
        return html;
    }

    private static void sources(StringBuilder html, CompressionReport report) {
        if (report.sources().isEmpty()) {
            html.append("<p>No replacement shares a source: the pruned blocks ")
                    .append(escape(Arrays.toString(report.pruned())))
                    .append(" were removed.</p>\n");
            return;
        }
        html.append(
                "<table class=\"sources\">\n<tr><th>pruned block</th><th>shares block</th><th>E(p, s)</th><th>E(p, none)</th></tr>\n");
        for (CompressionReport.Source s : report.sources()) {
            html.append("<tr><td>")
                    .append(s.pruned())
                    .append("</td><td>")
                    .append(s.source() < 0 ? "none" : Integer.toString(s.source()))
                    .append("</td><td>")
                    .append(orNa(s.error()))
                    .append("</td><td>")
                    .append(orNa(s.noSharingError()))
                    .append("</td></tr>\n");
        }
        html.append(
                "</table>\n<p class=\"note\">E(p, s): relative error of the best low-rank approximation of block p's weights "
                        + "as block s's weights plus the adapters; E(p, none): the same without a shared base.</p>\n");
    }

    private static String orNa(double v) {
        return Double.isFinite(v) ? ResultTable.format(v) : "n/a";
    }

    private static void perplexityBars(StringBuilder html, List<EvalResult> results) {
        Map<String, List<EvalResult>> byMetric = new LinkedHashMap<>();
        for (EvalResult r : results) {
            if (r.metric().contains("perplexity")) {
                byMetric.computeIfAbsent(r.task() + " " + r.metric(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        byMetric.forEach((metric, rows) -> {
            html.append("<h2>Held-out ").append(escape(rows.get(0).metric())).append("</h2>\n");
            List<String> labels = rows.stream().map(HtmlReport::label).toList();
            double[] values = rows.stream().mapToDouble(EvalResult::value).toArray();
            double[] spreads = rows.stream().mapToDouble(EvalResult::stderr).toArray();
            boolean anySpread = Arrays.stream(spreads).anyMatch(Double::isFinite);
            html.append(Svg.barsWithSpread(
                    metric + " per model (lower is better)" + (anySpread ? ", ± the spread over seeds" : ""),
                    rows.get(0).metric(),
                    labels,
                    values,
                    spreads));
        });
    }

    private static String label(EvalResult r) {
        return r.settings().get(METHOD) instanceof String m ? m : r.model();
    }

    private static void parameters(StringBuilder html, List<CompressionReport.Parameters> rows) {
        html.append(
                "<table class=\"parameters\">\n<tr><th>model</th><th>stored</th><th>merged</th><th>trainable</th><th>compute per token</th></tr>\n");
        for (CompressionReport.Parameters p : rows) {
            html.append("<tr><td>")
                    .append(escape(p.model()))
                    .append("</td><td>")
                    .append(count(p.stored()))
                    .append("</td><td>")
                    .append(p.merged() < 0 ? "n/a" : count(p.merged()))
                    .append("</td><td>")
                    .append(count(p.trainable()))
                    .append("</td><td>")
                    .append(count(p.computePerToken()))
                    .append("</td></tr>\n");
        }
        html.append(
                "</table>\n<p class=\"note\">stored: distinct weights saved (a shared weight once); merged: after merging "
                        + "the adapters into the weights they adapt (drop + LoRA only); compute per token: every use of a weight in a forward pass.</p>\n");
    }

    private static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    private static void results(StringBuilder html, List<EvalResult> results) {
        List<EvalResult> curves = results.stream()
                .filter(r -> r.settings().get(COMPRESSION_RATE) instanceof Number)
                .toList();
        Set<String> drawnAsLines = curves.stream().map(HtmlReport::chartKey).collect(Collectors.toSet());
        List<EvalResult> bars = results.stream()
                .filter(r -> !drawnAsLines.contains(chartKey(r)))
                .toList();
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
    }

    /** Writes the page atomically. */
    public static void write(Path file, String title, List<EvalResult> results) throws IOException {
        AtomicFiles.writeString(file, render(title, results));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static void barCharts(StringBuilder html, List<EvalResult> results) {
        Map<String, List<EvalResult>> byMetric = new LinkedHashMap<>();
        for (EvalResult r : results) {
            byMetric.computeIfAbsent(r.metric(), k -> new ArrayList<>()).add(r);
        }
        byMetric.forEach((metric, rows) -> {
            List<String> tasks = new ArrayList<>(
                    new LinkedHashSet<>(rows.stream().map(EvalResult::task).toList()));
            List<String> models = new ArrayList<>(
                    new LinkedHashSet<>(rows.stream().map(EvalResult::model).toList()));
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
            String series = r.settings().get(METHOD) instanceof String
                    ? (String) r.settings().get(METHOD)
                    : r.model();
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

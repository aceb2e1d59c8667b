package io.flexigpt.eval.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inline SVG charts (no scripts, no external resources): grouped bars, lines with markers, block importance
 * with the pruned blocks marked, and bars with a spread whisker.
 */
final class Svg {
    private static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };
    private static final String KEPT = "#4e79a7";
    private static final String PRUNED = "#e15759";
    private static final int WIDTH = 760;
    private static final int HEIGHT = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 190;
    private static final int TOP = 36;
    private static final int BOTTOM = 64;
    private static final int PLOT_W = WIDTH - LEFT - RIGHT;
    private static final int PLOT_H = HEIGHT - TOP - BOTTOM;

    private Svg() {}

    /** Grouped bars: one group per category, one bar per series; NaN marks a missing value. */
    static String bars(String title, List<String> categories, List<String> series, double[][] values) {
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        Axis y = Axis.of(0, max <= 1 ? 1 : max);
        StringBuilder svg = open(title);
        yGrid(svg, y);
        double group = (double) PLOT_W / categories.size();
        double bar = group * 0.8 / series.size();
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + c * group + group * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double v = values[s][c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double top = yPixel(y, v);
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>\n",
                        x0 + s * bar,
                        top,
                        Math.max(bar - 1, 1),
                        TOP + PLOT_H - top,
                        color(s),
                        HtmlReport.escape(series.get(s)),
                        HtmlReport.escape(categories.get(c)),
                        ResultTable.format(v)));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                    LEFT + (c + 0.5) * group,
                    TOP + PLOT_H + 18,
                    HtmlReport.escape(shorten(categories.get(c)))));
        }
        legend(svg, series, false);
        return close(svg);
    }

    /**
     * One bar per block, pruned blocks in a second colour with a dashed outline and a bold index; the value is
     * printed above each bar and its index below when there is room for them.
     */
    static String importance(String title, double[] scores, java.util.Set<Integer> pruned) {
        double max = 0;
        for (double v : scores) {
            max = Math.max(max, v);
        }
        Axis y = Axis.of(0, max > 0 ? max : 1);
        StringBuilder svg = open(title);
        yGrid(svg, y);
        double slot = (double) PLOT_W / Math.max(1, scores.length);
        double bar = Math.min(slot * 0.7, 60);
        int labelEvery = (int) Math.ceil(18 / slot);
        for (int b = 0; b < scores.length; b++) {
            boolean cut = pruned.contains(b);
            double top = yPixel(y, Math.max(0, scores[b]));
            double cx = LEFT + (b + 0.5) * slot;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s class=\"%s\"><title>block %d: %s%s</title></rect>\n",
                    cx - bar / 2,
                    top,
                    bar,
                    TOP + PLOT_H - top,
                    cut ? PRUNED : KEPT,
                    cut ? " stroke=\"#7a1f1f\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\"" : "",
                    cut ? "pruned" : "kept",
                    b,
                    ResultTable.format(scores[b]),
                    cut ? " (pruned)" : ""));
            if (slot >= 34) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                        cx,
                        top - 4,
                        String.format(Locale.ROOT, "%.3f", scores[b])));
            }
            if (b % labelEvery == 0) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\"%s>%d</text>\n",
                        cx,
                        TOP + PLOT_H + 16,
                        cut ? " font-weight=\"bold\" fill=\"" + PRUNED + "\"" : "",
                        b));
            }
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">block</text>\n",
                LEFT + PLOT_W / 2,
                HEIGHT - 24));
        legendEntry(svg, 0, KEPT, "kept");
        legendEntry(svg, 1, PRUNED, "pruned");
        return close(svg);
    }

    /** One bar per label with a whisker of ± spread where the spread is finite; the value is printed on each bar. */
    static String barsWithSpread(String title, String yLabel, List<String> labels, double[] values, double[] spreads) {
        double max = 0;
        for (int i = 0; i < values.length; i++) {
            double top = values[i] + (Double.isFinite(spreads[i]) ? spreads[i] : 0);
            if (Double.isFinite(top)) {
                max = Math.max(max, top);
            }
        }
        Axis y = Axis.of(0, max > 0 ? max : 1);
        StringBuilder svg = open(title);
        yGrid(svg, y);
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
                TOP + PLOT_H / 2,
                TOP + PLOT_H / 2,
                HtmlReport.escape(yLabel)));
        double slot = (double) PLOT_W / Math.max(1, labels.size());
        double bar = Math.min(slot * 0.6, 80);
        for (int i = 0; i < labels.size(); i++) {
            double cx = LEFT + (i + 0.5) * slot;
            String label = HtmlReport.escape(labels.get(i));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                    cx,
                    TOP + PLOT_H + 18,
                    HtmlReport.escape(shorten(labels.get(i)))));
            if (!Double.isFinite(values[i])) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">n/a</text>\n",
                        cx,
                        TOP + PLOT_H - 6));
                continue;
            }
            double top = yPixel(y, values[i]);
            boolean spread = Double.isFinite(spreads[i]);
            String value = ResultTable.format(values[i]) + (spread ? " ± " + ResultTable.format(spreads[i]) : "");
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>\n",
                    cx - bar / 2,
                    top,
                    bar,
                    TOP + PLOT_H - top,
                    color(i),
                    label,
                    value));
            double labelY = top - 5;
            if (spread) {
                double hi = yPixel(y, values[i] + spreads[i]), lo = yPixel(y, Math.max(y.min, values[i] - spreads[i]));
                svg.append(String.format(
                        Locale.ROOT,
                        "<path d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\" stroke=\"#222\" stroke-width=\"1.5\" class=\"spread\"/>\n",
                        cx,
                        lo,
                        cx,
                        hi,
                        cx - 6,
                        hi,
                        cx + 6,
                        hi,
                        cx - 6,
                        lo,
                        cx + 6,
                        lo));
                labelY = hi - 5;
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                    cx,
                    labelY,
                    value));
        }
        return close(svg);
    }

    /** Lines through (x, y) points, one per series, with a marker at every point. */
    static String lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
        return lines(title, xLabel, yLabel, series, true, 1);
    }

    /**
     * Dense curves such as training losses: each series faint as measured and solid as the mean of the last
     * {@code window} points, no markers, a y axis spanning the values.
     */
    static String curves(String title, String xLabel, String yLabel, Map<String, List<double[]>> series, int window) {
        return lines(title, xLabel, yLabel, series, false, window);
    }

    private static String lines(
            String title,
            String xLabel,
            String yLabel,
            Map<String, List<double[]>> series,
            boolean markers,
            int window) {
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        Axis x = Axis.of(minX, maxX);
        Axis y = Axis.of(markers ? Math.min(0, minY) : minY, maxY);
        StringBuilder svg = open(title);
        yGrid(svg, y);
        for (double tick = x.min; tick <= x.max + x.step / 2; tick += x.step) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                    xPixel(x, tick),
                    TOP + PLOT_H + 18,
                    Axis.label(tick)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">%s</text>\n",
                LEFT + PLOT_W / 2,
                HEIGHT - 20,
                HtmlReport.escape(xLabel)));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
                TOP + PLOT_H / 2,
                TOP + PLOT_H / 2,
                HtmlReport.escape(yLabel)));
        int s = 0;
        for (Map.Entry<String, List<double[]>> entry : series.entrySet()) {
            List<double[]> points = entry.getValue().stream()
                    .sorted((a, b) -> Double.compare(a[0], b[0]))
                    .toList();
            String attributes =
                    window > 1 ? "stroke-width=\"1\" stroke-opacity=\"0.35\" class=\"measured\"" : "stroke-width=\"2\"";
            svg.append("<path d=\"")
                    .append(path(x, y, points))
                    .append("\" fill=\"none\" stroke=\"")
                    .append(color(s))
                    .append("\" ")
                    .append(attributes)
                    .append("/>\n");
            if (window > 1) {
                svg.append("<path d=\"")
                        .append(path(x, y, trailingMean(points, window)))
                        .append("\" fill=\"none\" stroke=\"")
                        .append(color(s))
                        .append("\" stroke-width=\"2.5\" class=\"mean\"/>\n");
            }
            for (double[] p : markers ? points : List.<double[]>of()) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s: %s at %s</title></circle>\n",
                        xPixel(x, p[0]),
                        yPixel(y, p[1]),
                        color(s),
                        HtmlReport.escape(entry.getKey()),
                        ResultTable.format(p[1]),
                        Axis.label(p[0])));
            }
            s++;
        }
        legend(svg, List.copyOf(series.keySet()), true);
        return close(svg);
    }

    private static String path(Axis x, Axis y, List<double[]> points) {
        StringBuilder path = new StringBuilder();
        for (double[] p : points) {
            path.append(path.length() == 0 ? "M" : " L")
                    .append(String.format(Locale.ROOT, "%.1f %.1f", xPixel(x, p[0]), yPixel(y, p[1])));
        }
        return path.toString();
    }

    /** Each point's y replaced by the mean of it and the up to {@code window - 1} points before it. */
    static List<double[]> trailingMean(List<double[]> points, int window) {
        List<double[]> mean = new java.util.ArrayList<>();
        double sum = 0;
        for (int i = 0; i < points.size(); i++) {
            sum += points.get(i)[1];
            if (i >= window) {
                sum -= points.get(i - window)[1];
            }
            mean.add(new double[] {points.get(i)[0], sum / Math.min(i + 1, window)});
        }
        return mean;
    }

    private static StringBuilder open(String title) {
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT,
                HtmlReport.escape(title)));
        svg.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"22\" class=\"title\">%s</text>\n", LEFT, HtmlReport.escape(title)));
        return svg;
    }

    private static String close(StringBuilder svg) {
        return svg.append("</svg>\n").toString();
    }

    private static void yGrid(StringBuilder svg, Axis y) {
        for (double tick = y.min; tick <= y.max + y.step / 2; tick += y.step) {
            double py = yPixel(y, tick);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>\n",
                    LEFT,
                    py,
                    LEFT + PLOT_W,
                    py));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"tick\">%s</text>\n",
                    LEFT - 6,
                    py + 4,
                    Axis.label(tick)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"frame\"/>\n",
                LEFT,
                TOP + PLOT_H,
                LEFT + PLOT_W,
                TOP + PLOT_H));
    }

    private static void legendEntry(StringBuilder svg, int row, String fill, String name) {
        int y = TOP + 10 + row * 20;
        int x = WIDTH - RIGHT + 16;
        svg.append(String.format(
                Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", x, y - 6, fill));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>\n",
                x + 20,
                y + 4,
                HtmlReport.escape(name)));
    }

    private static void legend(StringBuilder svg, List<String> names, boolean asLines) {
        for (int i = 0; i < names.size(); i++) {
            int y = TOP + 10 + i * 20;
            int x = WIDTH - RIGHT + 16;
            if (asLines) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                        x,
                        y,
                        x + 14,
                        y,
                        color(i)));
            } else {
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n",
                        x,
                        y - 6,
                        color(i)));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>\n",
                    x + 20,
                    y + 4,
                    HtmlReport.escape(shorten(names.get(i)))));
        }
    }

    private static double xPixel(Axis x, double value) {
        return LEFT + (value - x.min) / (x.max - x.min) * PLOT_W;
    }

    private static double yPixel(Axis y, double value) {
        return TOP + PLOT_H - (value - y.min) / (y.max - y.min) * PLOT_H;
    }

    private static String color(int index) {
        return PALETTE[index % PALETTE.length];
    }

    private static String shorten(String text) {
        return text.length() <= 24 ? text : text.substring(0, 23) + "…";
    }

    /** A linear axis from {@code min} to {@code max} with "nice" tick spacing (1, 2 or 5 times 10^k). */
    record Axis(double min, double max, double step) {

        static Axis of(double low, double high) {
            if (!(high > low)) {
                double pad = low == 0 ? 1 : Math.abs(low) * 0.1;
                low -= pad;
                high += pad;
            }
            double raw = (high - low) / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double fraction = raw / magnitude;
            double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
            return new Axis(Math.floor(low / step) * step, Math.ceil(high / step) * step, step);
        }

        static String label(double value) {
            double rounded = Math.round(value * 1e6) / 1e6;
            return rounded == Math.rint(rounded)
                    ? Long.toString((long) rounded)
                    : String.format(Locale.ROOT, "%s", rounded);
        }
    }
}

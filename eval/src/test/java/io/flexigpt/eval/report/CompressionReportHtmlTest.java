package io.flexigpt.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.eval.EvalResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionReportHtmlTest {

    private static EvalResult ppl(String method, double value, double stderr) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(HtmlReport.METHOD, method);
        settings.put(HtmlReport.COMPRESSION_RATE, method.equals("teacher") ? 0.0 : 0.4);
        return new EvalResult(method, "held-out stories", "token_perplexity", value, stderr, 1000, settings);
    }

    private static CompressionReport report(Map<String, Double> phases) {
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("FlexiGPT", new double[] {3.5, 3.1, 2.9, 2.8});
        curves.put("drop + LoRA", new double[] {Double.NaN, 3.9, 3.6, 3.4});
        return new CompressionReport(
                "compress <stories>",
                "stories260K lost blocks 2 and 4 & was recovered.",
                "Block Influence",
                new double[] {0.4, 0.2, 0.05, 0.1, 0.02},
                new int[] {2, 4},
                List.of(
                        new CompressionReport.Source(2, 3, 0.71, 0.93),
                        new CompressionReport.Source(4, 3, Double.NaN, Double.NaN)),
                curves,
                List.of(
                        ppl("teacher", 10.5, Double.NaN),
                        ppl("FlexiGPT", 14.25, 0.5),
                        ppl("drop + LoRA", 16.0, Double.NaN)),
                List.of(
                        new CompressionReport.Parameters("FlexiGPT", 1000, -1, 200, 1300),
                        new CompressionReport.Parameters("drop + LoRA", 900, 800, 100, 900)),
                phases);
    }

    @Test
    void importanceChartMarksExactlyThePrunedBlocks() {
        String html = HtmlReport.render(report(Map.of()));
        Matcher bars = Pattern.compile("<rect [^>]*class=\"(pruned|kept)\"><title>block (\\d+): ([0-9.]+)")
                .matcher(html);
        int seen = 0;
        while (bars.find()) {
            int block = Integer.parseInt(bars.group(2));
            assertEquals(block == 2 || block == 4 ? "pruned" : "kept", bars.group(1), "block " + block);
            assertEquals(new double[] {0.4, 0.2, 0.05, 0.1, 0.02}[block], Double.parseDouble(bars.group(3)), 1e-9);
            seen++;
        }
        assertEquals(5, seen, "one bar per block");
    }

    @Test
    void sourceTableNamesEachReplacementsSourceAndItsResidual() {
        String html = HtmlReport.render(report(Map.of()));
        assertTrue(html.contains("<tr><td>2</td><td>3</td><td>0.7100</td><td>0.9300</td></tr>"), html);
        assertTrue(html.contains("<tr><td>4</td><td>3</td><td>n/a</td><td>n/a</td></tr>"), html);
    }

    @Test
    void lossCurveForEveryTrainedMethodSkippingUnseenSteps() {
        String html = HtmlReport.render(report(Map.of()));
        String chart = html.substring(html.indexOf("Training loss per recovery step"));
        chart = chart.substring(0, chart.indexOf("</svg>"));
        Matcher paths = Pattern.compile("<path d=\"([^\"]*)\" fill=\"none\"").matcher(chart);
        assertTrue(paths.find());
        assertEquals(4, paths.group(1).split("[ML]").length - 1, "FlexiGPT: four steps");
        assertTrue(paths.find());
        assertEquals(3, paths.group(1).split("[ML]").length - 1, "drop + LoRA: the step not seen is left out");
        assertFalse(paths.find());
        assertTrue(chart.contains(">FlexiGPT</text>") && chart.contains(">drop + LoRA</text>"), chart);
    }

    @Test
    void longCurvesAreDrawnAsMeasuredAndAsATrailingMean() {
        double[] losses = new double[45];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = 3 + Math.exp(-i / 10.0) + (i % 2 == 0 ? 0.2 : -0.2);
        }
        CompressionReport r = report(Map.of());
        String html = HtmlReport.render(new CompressionReport(
                r.title(),
                r.summary(),
                r.importanceMetric(),
                r.importance(),
                r.pruned(),
                r.sources(),
                Map.of("FlexiGPT", losses),
                r.results(),
                r.parameters(),
                r.phaseSeconds()));
        assertTrue(html.contains("(faint: each step; solid: mean of the last 3)"), html);
        assertEquals(1, html.split("class=\"measured\"", -1).length - 1);
        assertEquals(1, html.split("class=\"mean\"", -1).length - 1);
    }

    @Test
    void trailingMeanAveragesTheLastWindowPoints() {
        List<double[]> points =
                List.of(new double[] {1, 1}, new double[] {2, 2}, new double[] {3, 3}, new double[] {4, 5});
        List<double[]> mean = Svg.trailingMean(points, 2);
        double[] expected = {1, 1.5, 2.5, 4};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(points.get(i)[0], mean.get(i)[0]);
            assertEquals(expected[i], mean.get(i)[1], 1e-12);
        }
    }

    @Test
    void perplexityBarsShowTheSpreadOnlyWhereThereIsOne() {
        String html = HtmlReport.render(report(Map.of()));
        assertTrue(html.contains(">14.2500 ± 0.5000</text>"), html);
        assertTrue(html.contains(">10.5000</text>") && html.contains(">16.0000</text>"), html);
        assertEquals(1, html.split("class=\"spread\"", -1).length - 1, "one whisker");
    }

    @Test
    void parametersPhasesAndSummaryAreShownAndEscaped() {
        String html = HtmlReport.render(report(new LinkedHashMap<>(Map.of("recovery", 12.34))));
        assertTrue(
                html.contains("<tr><td>drop + LoRA</td><td>900</td><td>800</td><td>100</td><td>900</td></tr>"), html);
        assertTrue(
                html.contains("<tr><td>FlexiGPT</td><td>1,000</td><td>n/a</td><td>200</td><td>1,300</td></tr>"), html);
        assertTrue(html.contains("<tr><td>recovery</td><td>12.3</td></tr>"), html);
        assertTrue(html.contains("lost blocks 2 and 4 &amp; was recovered."), html);
        assertTrue(html.contains("<title>compress &lt;stories&gt;</title>"), html);
        assertFalse(HtmlReport.render(report(Map.of())).contains("Phase times"), "no phase times when none are given");
    }

    @Test
    void selfContainedAndReproducible(@TempDir Path dir) throws Exception {
        HtmlReport.write(dir.resolve("a.html"), report(Map.of()));
        HtmlReport.write(dir.resolve("b.html"), report(Map.of()));
        String html = Files.readString(dir.resolve("a.html"));
        assertEquals(html, Files.readString(dir.resolve("b.html")));
        assertFalse(
                html.contains("<script")
                        || html.contains("http://")
                        || html.contains("https://")
                        || html.contains("src="),
                "no external resources");
    }

    @Test
    void prunedBlockOutsideTheModelIsRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CompressionReport(
                        "t",
                        "s",
                        "BI",
                        new double[] {1, 2},
                        new int[] {2},
                        List.of(),
                        Map.of(),
                        List.of(),
                        List.of(),
                        Map.of()));
        assertTrue(e.getMessage().contains("pruned block 2"), e.getMessage());
    }
}

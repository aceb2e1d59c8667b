package io.flexigpt.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.perplexity.WindowMode;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    private static List<EvalResult> results() {
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("limit", 0);
        task.put("seed", 1234L);
        task.put("prepend_bos", true);
        Map<String, Object> ppl = new LinkedHashMap<>();
        ppl.put("window_mode", WindowMode.SLIDING);
        ppl.put("context_length", 512);
        ppl.put("ratio", 0.5f);
        List<EvalResult> rows = new ArrayList<>();
        rows.add(new EvalResult("dense", "arc_easy", "acc", 0.65, 0.01, 2376, task));
        rows.add(new EvalResult("dense", "arc_easy", "acc_norm", 0.6, 0.0101, 2376, task));
        rows.add(new EvalResult("pruned <25%>", "arc_easy", "acc", 0.55, 0.0102, 2376, task));
        rows.add(new EvalResult("dense", "boolq", "acc", 0.7, 0.008, 3270, task));
        double[][] curve = {{0, 10}, {0.25, 14}, {0.5, 30}};
        for (double[] point : curve) {
            rows.add(new EvalResult(
                            "flexigpt-" + point[0], "wikitext-2", "token_perplexity", point[1], Double.NaN, 241211, ppl)
                    .withSetting(HtmlReport.COMPRESSION_RATE, point[0])
                    .withSetting(HtmlReport.METHOD, "FlexiGPT"));
            rows.add(new EvalResult(
                            "shortgpt-" + point[0],
                            "wikitext-2",
                            "token_perplexity",
                            point[1] * 2,
                            Double.NaN,
                            241211,
                            ppl)
                    .withSetting(HtmlReport.COMPRESSION_RATE, point[0])
                    .withSetting(HtmlReport.METHOD, "ShortGPT"));
        }
        rows.add(new EvalResult(
                "broken", "wikitext-2", "token_perplexity", Double.POSITIVE_INFINITY, Double.NaN, 1, ppl));
        return rows;
    }

    @Test
    void jsonRoundTripGivesEqualResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/results.json");
        JsonReport.write(file, results());
        assertEquals(results(), JsonReport.read(file));
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) Json.parse(Files.readString(file), "results.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) document.get("results")).get(0);
        assertEquals("dense", first.get("model"));
        assertEquals("acc", first.get("metric"));
        assertEquals(0.65, first.get("value"));
        assertEquals(0.01, first.get("stderr"));
        assertEquals(2376L, first.get("n"));
        assertEquals(Map.of("limit", 0L, "seed", 1234L, "prepend_bos", true), first.get("settings"));
        assertEquals("sliding", results().get(4).settings().get("window_mode"));
        assertEquals(0.5, results().get(4).settings().get("ratio"));
    }

    @Test
    void writesAreAtomicAndReplaceOldFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("table.md");
        Files.writeString(file, "old");
        MarkdownReport.write(file, results());
        assertEquals(MarkdownReport.table(results()), Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aDocumentOfAnotherKindIsAFormatError() {
        FormatException e = assertThrows(FormatException.class, () -> JsonReport.parse("{\"results\": []}", "x.json"));
        assertTrue(e.getMessage().contains("x.json"));
        assertThrows(
                FormatException.class,
                () -> JsonReport.parse(
                        "{\"format\": \"flexigpt-eval-results\", \"results\": [{\"model\": \"m\"}]}", "x.json"));
    }

    @Test
    void markdownTableHasOneRowPerModelAndOneColumnPerTaskMetric() {
        String[] lines = MarkdownReport.table(results()).split("\n");
        assertEquals(
                "| model | arc_easy acc | arc_easy acc_norm | boolq acc | wikitext-2 token_perplexity |", lines[0]);
        assertEquals("|---|---:|---:|---:|---:|", lines[1]);
        assertEquals("| dense | 0.6500 ± 0.0100 | 0.6000 ± 0.0101 | 0.7000 ± 0.0080 |  |", lines[2]);
        assertEquals("| pruned <25%> | 0.5500 ± 0.0102 |  |  |  |", lines[3]);
        assertEquals("| flexigpt-0.0 |  |  |  | 10.0000 |", lines[4]);
    }

    @Test
    void htmlIsSelfContainedWithBarAndLineCharts() {
        String html = HtmlReport.render("Compression <results>", results());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>Compression &lt;results&gt;</title>"));
        assertTrue(html.contains("<svg"));
        assertTrue(html.contains("<rect"));
        assertTrue(html.contains("<path d=\"M"));
        assertTrue(html.contains(">FlexiGPT</text>"));
        assertTrue(html.contains("pruned &lt;25%&gt;"));
        assertFalse(html.contains("pruned <25%>"));
        for (String external : List.of("http:", "https:", "src=", "href=", "<script", "url(", "@import")) {
            assertFalse(html.contains(external), external);
        }
        assertEquals(html.split("<svg", -1).length - 1, html.split("</svg>", -1).length - 1);
    }
}

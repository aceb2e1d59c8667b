package io.flexigpt.eval.report;

import io.flexigpt.eval.EvalResult;
import io.flexigpt.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Markdown table of results: one row per model, one column per task and metric ("value ± stderr"). */
public final class MarkdownReport {
    private MarkdownReport() {}

    /** The table as Markdown text. */
    public static String table(List<EvalResult> results) {
        ResultTable table = new ResultTable(results);
        MarkdownTable md = new MarkdownTable().left("model");
        table.columns.forEach(md::right);
        for (String model : table.models) {
            List<String> cells = new ArrayList<>(List.of(model));
            for (String column : table.columns) cells.add(table.cell(model, column));
            md.row(cells.toArray());
        }
        return md.toString();
    }

    /** Writes the table atomically. */
    public static void write(Path file, List<EvalResult> results) throws IOException {
        AtomicFiles.writeString(file, table(results));
    }
}

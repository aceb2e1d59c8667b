package io.flexigpt.eval.report;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.eval.EvalResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A Markdown table of results: one row per model, one column per task and metric ("value ± stderr"). */
public final class MarkdownReport {
    private MarkdownReport() {}

    /** The table as Markdown text. */
    public static String table(List<EvalResult> results) {
        ResultTable table = new ResultTable(results);
        StringBuilder md = new StringBuilder("| model |");
        table.columns.forEach(c -> md.append(' ').append(escape(c)).append(" |"));
        md.append("\n|---|");
        table.columns.forEach(c -> md.append("---:|"));
        md.append('\n');
        for (String model : table.models) {
            md.append("| ").append(escape(model)).append(" |");
            for (String column : table.columns) {
                md.append(' ').append(table.cell(model, column)).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Writes the table atomically. */
    public static void write(Path file, List<EvalResult> results) throws IOException {
        AtomicFiles.writeString(file, table(results));
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}

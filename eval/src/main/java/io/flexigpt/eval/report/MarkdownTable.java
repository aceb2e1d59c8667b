package io.flexigpt.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table: a header of named columns, each left- or right-aligned, then rows of cell text. Cells are
 * escaped ({@code |} as {@code \|}, line breaks as spaces), so any text keeps the table's shape.
 */
public final class MarkdownTable {
    private final List<String> header = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final StringBuilder rows = new StringBuilder();

    /** Adds a left-aligned column. */
    public MarkdownTable left(String name) {
        return column(name, false);
    }

    /** Adds a right-aligned column (numbers). */
    public MarkdownTable right(String name) {
        return column(name, true);
    }

    private MarkdownTable column(String name, boolean right) {
        if (rows.length() > 0) throw new IllegalStateException("columns come before rows");
        header.add(name);
        rightAligned.add(right);
        return this;
    }

    /** Adds a row of one cell per column and returns it as a line of Markdown (without the line break). */
    public String row(Object... cells) {
        if (cells.length != header.size())
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        String line = line(cells);
        rows.append(line).append('\n');
        return line;
    }

    /** The header, the alignment rule and the rows, each line ended by a line break. */
    @Override
    public String toString() {
        StringBuilder md = new StringBuilder(line(header.toArray())).append("\n|");
        for (boolean right : rightAligned) md.append(right ? "---:|" : "---|");
        return md.append('\n').append(rows).toString();
    }

    private static String line(Object[] cells) {
        StringBuilder sb = new StringBuilder("|");
        for (Object c : cells) sb.append(' ').append(escape(String.valueOf(c))).append(" |");
        return sb.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ");
    }
}

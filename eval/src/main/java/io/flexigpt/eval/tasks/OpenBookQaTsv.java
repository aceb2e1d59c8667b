package io.flexigpt.eval.tasks;

import io.flexigpt.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenBookQA's original TSV: a header row, then one question per row with the columns of
 * {@link #HEADER}; the choices are written {@code "(A) text (B) text ..."} with consecutive labels.
 */
final class OpenBookQaTsv {
    static final String HEADER = "ID\tQuestion Stem\tChoices\tComplete Question\tAnswer Key";
    private static final int COLUMNS = 5;

    private OpenBookQaTsv() {}

    /** The questions as the harness builds them: the stem is the context, each choice text an answer. */
    static List<TaskItem> items(Path file) throws IOException {
        List<LineFiles.NumberedLine> lines = LineFiles.lines(file);
        if (lines.isEmpty() || !lines.get(0).text().equals(HEADER)) {
            int number = lines.isEmpty() ? 1 : lines.get(0).number();
            throw new FormatException(
                    file + " line " + number + ": expected the header \"" + HEADER.replace("\t", "\\t") + "\"");
        }
        List<TaskItem> items = new ArrayList<>();
        for (LineFiles.NumberedLine line : lines.subList(1, lines.size())) {
            items.add(item(file, line));
        }
        return items;
    }

    private static TaskItem item(Path file, LineFiles.NumberedLine line) throws FormatException {
        String where = file + " line " + line.number() + ": ";
        String[] columns = line.text().split("\t", -1);
        if (columns.length != COLUMNS) {
            throw new FormatException(where + "expected " + COLUMNS + " tab-separated columns ("
                    + HEADER.replace("\t", ", ") + "), found " + columns.length);
        }
        String stem = columns[1];
        List<String> texts = choices(columns[2]);
        if (texts == null) {
            throw new FormatException(where + "choices must be written \"(A) ... (B) ...\" with labels A, B, ... in"
                    + " order and no empty text, found \"" + columns[2] + "\"");
        }
        String key = columns[4].strip();
        int gold = key.length() == 1 ? key.charAt(0) - 'A' : -1;
        if (gold < 0 || gold >= texts.size()) {
            throw new FormatException(where + "answer key \"" + key + "\" is not one of the labels A.."
                    + (char) ('A' + texts.size() - 1));
        }
        List<Choice> choices = new ArrayList<>();
        for (String text : texts) {
            choices.add(Choice.answer(stem, text));
        }
        return new TaskItem(choices, gold);
    }

    /**
     * The texts of {@code "(A) a (B) b ..."}, cut at the first {@code " (B) "} after {@code "(A) "}, then
     * the first {@code " (C) "} after that and so on; null unless there are at least two non-empty texts.
     */
    private static List<String> choices(String written) {
        if (!written.startsWith("(A) ")) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        int start = "(A) ".length();
        for (char next = 'B'; ; next++) {
            int marker = next <= 'Z' ? written.indexOf(" (" + next + ") ", start) : -1;
            String text = written.substring(start, marker < 0 ? written.length() : marker);
            if (text.isBlank()) {
                return null;
            }
            texts.add(text);
            if (marker < 0) {
                break;
            }
            start = marker + " (B) ".length();
        }
        return texts.size() < 2 ? null : texts;
    }
}

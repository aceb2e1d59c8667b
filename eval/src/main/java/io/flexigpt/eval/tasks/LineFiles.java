package io.flexigpt.eval.tasks;

import io.flexigpt.tensor.io.FormatException;
import io.flexigpt.tensor.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the line-oriented files tasks ship as (jsonl, label lists); blank lines are skipped. */
final class LineFiles {
    private LineFiles() {}

    /** Non-blank lines with their 1-based line numbers. */
    static List<NumberedLine> lines(Path file) throws IOException {
        List<NumberedLine> lines = new ArrayList<>();
        int number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank()) {
                    lines.add(new NumberedLine(number, line));
                }
            }
        } catch (CharacterCodingException e) {
            throw new FormatException(file + " line " + (number + 1) + ": not valid UTF-8", e);
        }
        return lines;
    }

    /** Every non-blank line parsed as a JSON object. */
    static List<JsonLine> jsonLines(Path file) throws IOException {
        List<JsonLine> records = new ArrayList<>();
        for (NumberedLine line : lines(file)) {
            records.add(new JsonLine(file, line.number(), object(file, line)));
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Path file, NumberedLine line) throws FormatException {
        String where = file + " line " + line.number();
        Object value;
        try {
            value = Json.parse(line.text(), where);
        } catch (FormatException e) {
            throw new FormatException(e.getMessage().replace(where + ": line 1, column", where + ", column"), e);
        }
        if (!(value instanceof Map)) {
            throw new FormatException(where + ": expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /** A line of text and its 1-based number in the file. */
    record NumberedLine(int number, String text) {}
}

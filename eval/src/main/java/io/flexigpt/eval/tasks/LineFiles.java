package io.flexigpt.eval.tasks;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
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
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        int number = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            number++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString();
            } catch (CharacterCodingException e) {
                throw new FormatException(file + " line " + number + ": not valid UTF-8", e);
            }
            if (!line.isBlank()) lines.add(new NumberedLine(number, line));
            start = end + 1;
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

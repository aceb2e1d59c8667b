package io.flexigpt.eval.tasks;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invalid UTF-8 is reported at the line that holds it, however far into the file. */
class LineFilesUtf8Test {
    @Test
    void theLineNumberIsThatOfTheBadByte(@TempDir Path dir) throws Exception {
        for (int badLine : new int[] {1, 2, 700, 2999}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 1; i <= 3000; i++) {
                b.write(("{\"line\": " + i + ", \"text\": \"caf\u00e9 au lait\"}").getBytes(StandardCharsets.UTF_8));
                if (i == badLine) b.write(0xC3); // a lead byte without its continuation
                b.write(i % 3 == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            }
            Path file = Files.write(dir.resolve("tasks.jsonl"), b.toByteArray());
            FormatException e = assertThrows(FormatException.class, () -> LineFiles.lines(file));
            assertEquals(file + " line " + badLine + ": not valid UTF-8", e.getMessage());
        }
        Path good = Files.writeString(dir.resolve("ok.jsonl"), "a\r\n\nb\n  \nc");
        assertEquals(
                java.util.List.of("1:a", "3:b", "5:c"),
                LineFiles.lines(good).stream()
                        .map(l -> l.number() + ":" + l.text())
                        .toList());
    }
}

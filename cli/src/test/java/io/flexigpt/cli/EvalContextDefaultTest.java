package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval ppl} says which context it chose when none is given, and honours an explicit one silently. */
class EvalContextDefaultTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void theChosenContextIsPrinted() throws Exception {
        String model = TestData.file("models/stories260K/stories260K.bin").toString();
        String tok = TestData.file("models/stories260K/tok512.bin").toString();
        Path text = dir.resolve("val.txt");
        Files.writeString(
                text,
                Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"))
                        .substring(0, 2_000));
        String[] chosen = run("eval", "ppl", "--model", model, "--tokenizer", tok, "--text", text.toString(), "--json");
        assertEquals("0", chosen[0], chosen[2]);
        assertTrue(chosen[2].contains("eval ppl: context 512 tokens (the model's)"), chosen[2]);
        String[] explicit = run(
                "eval",
                "ppl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--context",
                "64",
                "--json");
        assertEquals("0", explicit[0], explicit[2]);
        assertFalse(explicit[2].contains("eval ppl: context"), explicit[2]);
    }
}

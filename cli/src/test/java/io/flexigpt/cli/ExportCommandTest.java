package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.tensor.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flexigpt export} on stories260K: the exported GGUF and Hugging Face directory generate the same text, and bad options are named. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void exportedModelsGenerateTheSameText() throws Exception {
        String model = TestData.file("models/stories260K/stories260K.bin").toString(),
                tok = TestData.file("models/stories260K/tok512.bin").toString();
        Run original = run(
                "generate", "--model", model, "--tokenizer", tok, "--max-tokens", "40", "--prompt", "Once upon a time");
        assertEquals(0, original.code(), original.err());

        Path gguf = tmp.resolve("stories.gguf");
        Run r = run("export", "--model", model, "--tokenizer", tok, "--out", gguf.toString(), "--format", "gguf");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exported") && r.out().contains("5 blocks"), r.out());
        Run fromGguf =
                run("generate", "--model", gguf.toString(), "--max-tokens", "40", "--prompt", "Once upon a time");
        assertEquals(original.out(), fromGguf.out(), "the GGUF carries weights and vocabulary");

        Path hf = tmp.resolve("hf");
        r = run(
                "export",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--out",
                hf.toString(),
                "--format",
                "hf",
                "--dtype",
                "f16");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(hf.resolve("tokenizer.bin")), "the tokenizer is copied next to the model");
        Run fromHf = run("generate", "--model", hf.toString(), "--max-tokens", "40", "--prompt", "Once upon a time");
        assertEquals(original.out(), fromHf.out());
    }

    @Test
    void badOptionsAreNamed() {
        String model = TestData.file("models/stories260K/stories260K.bin").toString(),
                tok = TestData.file("models/stories260K/tok512.bin").toString();
        Run r = run(
                "export",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--out",
                tmp.resolve("x").toString(),
                "--format",
                "onnx");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--format must be hf or gguf"), r.err());
        r = run(
                "export",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--out",
                tmp.resolve("x").toString(),
                "--format",
                "gguf",
                "--dtype",
                "q4");
        assertTrue(r.err().contains("--dtype must be f32 or f16"), r.err());
        r = run("export", "--model", model, "--tokenizer", tok, "--out", tmp.toString(), "--format", "gguf");
        assertTrue(r.err().contains("is a directory"), r.err());
        assertTrue(run("export", "--help").out().contains("storage saving of sharing"));
    }
}

package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands fail with one clear line and a non-zero exit on divergence, hostile inputs and bad options. */
class ReliabilityCliTest {
    static String model, tok;
    static Path text;

    @TempDir
    static Path shared;

    @BeforeAll
    static void data() throws Exception {
        model = TestData.file("models/stories260K/stories260K.bin").toString();
        tok = TestData.file("models/stories260K/tok512.bin").toString();
        String val = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        text = shared.resolve("val.txt");
        Files.writeString(text, val.substring(0, 30_000));
    }

    private static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    private static void assertOneErrorLine(CliTest.Run r, String... fragments) {
        assertNotEquals(0, r.code(), r.out());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("error: ") && r.err().lines().filter(l -> l.startsWith("error: ") || l.contains("Exception")).count() == 1, r.err());
        System.out.println(last);
        for (String f : fragments) assertTrue(r.err().contains(f), "'" + f + "' in " + r.err());
    }

    @Test
    void divergingTrainingStopsWithOneLineAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t");
        CliTest.Run r = run("train", "--text", text.toString(), "--tokenizer", tok, "--dim", "32", "--layers", "2", "--heads", "2", "--seq", "32",
                "--batch", "2", "--steps", "40", "--lr", "1e30", "--out", out.toString());
        assertOneErrorLine(r, "training diverged at step ");
        assertFalse(Files.exists(out.resolve("model")), "no model is saved from a diverged run");
    }

    @Test
    void aStagingDirectoryLeftByAKilledRunIsRemovedByTheNextRun(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale = Files.createDirectories(dir.resolve(".small.partial-" + p.pid() + "-" + java.util.UUID.randomUUID()));
        Files.write(stale.resolve("model.safetensors"), new byte[4096]);
        CliTest.Run r = run("compress", "--model", model, "--tokenizer", tok, "--text", text.toString(), "--method", "drop", "--rate", "0.4",
                "--seq", "64", "--out", dir.resolve("small").toString());
        assertEquals(0, r.code(), r.err());
        try (var left = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("small")), left.toList());
        }
    }
}

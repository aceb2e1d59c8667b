package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
        assertTrue(
                last.startsWith("error: ")
                        && r.err()
                                        .lines()
                                        .filter(l -> l.startsWith("error: ") || l.contains("Exception"))
                                        .count()
                                == 1,
                r.err());
        System.out.println(last);
        for (String f : fragments) assertTrue(r.err().contains(f), "'" + f + "' in " + r.err());
    }

    @Test
    void divergingTrainingStopsWithOneLineAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t");
        CliTest.Run r = run(
                "train",
                "--text",
                text.toString(),
                "--tokenizer",
                tok,
                "--dim",
                "32",
                "--layers",
                "2",
                "--heads",
                "2",
                "--seq",
                "32",
                "--batch",
                "2",
                "--steps",
                "40",
                "--lr",
                "1e30",
                "--out",
                out.toString());
        assertOneErrorLine(r, "training diverged at step ");
        assertFalse(Files.exists(out.resolve("model")), "no model is saved from a diverged run");
    }

    @Test
    void aStagingDirectoryLeftByAKilledRunIsRemovedByTheNextRun(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale =
                Files.createDirectories(dir.resolve(".small.partial-" + p.pid() + "-" + java.util.UUID.randomUUID()));
        Files.write(stale.resolve("model.safetensors"), new byte[4096]);
        CliTest.Run r = run(
                "compress",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--method",
                "drop",
                "--rate",
                "0.4",
                "--seq",
                "64",
                "--out",
                dir.resolve("small").toString());
        assertEquals(0, r.code(), r.err());
        try (var left = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("small")), left.toList());
        }
    }

    @Test
    void outOfRangeOptionsAreRejectedWithAClearMessage(@TempDir Path dir) {
        int max = 4 * Runtime.getRuntime().availableProcessors();
        CliTest.Run threads = run("generate", "--threads", "100000", "--model", model, "--tokenizer", tok);
        assertEquals(2, threads.code());
        assertTrue(threads.err().startsWith("error: --threads must be between 1 and " + max), threads.err());
        CliTest.Run tokens = run(
                "extend",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--tokens",
                "-5",
                "--out",
                dir.resolve("x").toString());
        assertOneErrorLine(tokens, "--tokens must be at least 1, got -5");
        for (String context : new String[] {"0", "-1"}) {
            CliTest.Run r = run(
                    "eval",
                    "ppl",
                    "--model",
                    model,
                    "--tokenizer",
                    tok,
                    "--text",
                    text.toString(),
                    "--context",
                    context);
            assertEquals(2, r.code());
            assertTrue(r.err().startsWith("error: --context must be at least 1, got " + context), r.err());
        }
        CliTest.Run stride = run(
                "eval",
                "ppl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--mode",
                "sliding",
                "--stride",
                "0");
        assertEquals(2, stride.code());
        assertTrue(stride.err().startsWith("error: --stride must be at least 1, got 0"), stride.err());
        CliTest.Run rank = run(
                "compress",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--rank",
                "0",
                "--out",
                dir.resolve("x").toString());
        assertOneErrorLine(
                rank, "rank '0' is neither a positive whole rank such as 8 nor a fraction in (0, 1] such as 0.25");
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void twoIdenticalCompressRunsWriteByteIdenticalDirectories(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"a", "b"}) {
            CliTest.Run r = run(
                    "compress",
                    "--model",
                    model,
                    "--tokenizer",
                    tok,
                    "--text",
                    text.toString(),
                    "--rate",
                    "0.4",
                    "--rank",
                    "4",
                    "--recovery-tokens",
                    "1024",
                    "--seq",
                    "64",
                    "--out",
                    dir.resolve(name).toString());
            assertEquals(0, r.code(), r.err());
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir.resolve("a"))) {
            files = s.filter(Files::isRegularFile)
                    .map(dir.resolve("a")::relativize)
                    .sorted()
                    .toList();
        }
        try (Stream<Path> s = Files.walk(dir.resolve("b"))) {
            assertEquals(
                    files,
                    s.filter(Files::isRegularFile)
                            .map(dir.resolve("b")::relativize)
                            .sorted()
                            .toList());
        }
        assertTrue(
                files.contains(Path.of("model.safetensors")) && files.contains(Path.of("report.json")),
                files.toString());
        for (Path f : files)
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("a").resolve(f)),
                    Files.readAllBytes(dir.resolve("b").resolve(f)),
                    f.toString());
        // the order of keys comes from the code, not from a hash seeded per JVM (as Map.of's is), so other processes
        // write the same bytes
        String report = Files.readString(dir.resolve("a/report.json")).replaceAll("\\s", "");
        assertTrue(
                report.contains(
                        "\"settings\":{\"method\":\"teacher\",\"compression_rate\":0.0,\"blocks\":5,\"stored_parameters\":"),
                report);
        assertTrue(
                report.matches(".*\"stored_parameters\":\\d+,\"trainable_parameters\":\\d+,\"context\":64}.*"), report);
        String header = new String(
                Files.readAllBytes(dir.resolve("a/model.safetensors")),
                8,
                300,
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"flexigpt\":"), header);
    }
}

package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand run in-process on stories260K: output, --json, bad paths, corrupt files, invalid options. */
class CliTest {
    static String model, tok, tasks;
    static Path text;

    @TempDir
    static Path shared;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void data() throws Exception {
        if (text != null) return;
        model = TestData.file("models/stories260K/stories260K.bin").toString();
        tok = TestData.file("models/stories260K/tok512.bin").toString();
        tasks = TestData.file("tasks").toString();
        String val = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        text = shared.resolve("val.txt");
        Files.writeString(text, val.substring(0, 30_000));
    }

    @Test
    void generateStreamsTheGoldenStory() {
        Run r = run("generate", "--model", model, "--tokenizer", tok, "--max-tokens", "30");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily."), r.out());
    }

    @Test
    void generateAndEvalRunOnOpenClAndDevicesListsIt() throws Exception {
        Run devices = run("devices");
        assertEquals(0, devices.code(), devices.err());
        assertTrue(devices.out().startsWith("cpu: tensor kernels on "), devices.out());
        boolean openCl = devices.out().lines().anyMatch(l -> l.startsWith("opencl: ") && l.contains("compute units"));
        if ("true".equals(System.getenv("CI"))) assertTrue(openCl, "an OpenCL device under CI: " + devices.out());
        Run generate =
                run("generate", "--device", "opencl", "--model", model, "--tokenizer", tok, "--max-tokens", "30");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().startsWith("Once upon a time, there was a little girl named Lily."), generate.out());
        assertTrue(generate.err().contains(openCl ? "running on opencl:" : "running on cpu instead"), generate.err());
        Run cpu = run(
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
                "--mode",
                "nonoverlapping",
                "--json");
        Run cl = run(
                "eval",
                "ppl",
                "--device",
                "opencl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--context",
                "64",
                "--mode",
                "nonoverlapping",
                "--json");
        assertEquals(0, cl.code(), cl.err());
        double expected = firstValue(cpu.out()), got = firstValue(cl.out());
        assertEquals(expected, got, 1e-3 * expected, "token perplexity on the device");
    }

    private static double firstValue(String json) throws Exception {
        List<Object> rows =
                Json.getList(Json.object(Json.parse(json, "stdout"), "report", "stdout"), "results", "stdout");
        return ((Number) Json.object(rows.get(0), "row", "stdout").get("value")).doubleValue();
    }

    @Test
    void evalPplPrintsTableAndJson() throws Exception {
        Run table = run(
                "eval",
                "ppl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--context",
                "128",
                "--mode",
                "sliding");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("token_perplexity"), table.out());
        Run json = run(
                "eval",
                "ppl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--context",
                "128",
                "--json");
        assertEquals(0, json.code(), json.err());
        List<Object> rows =
                Json.getList(Json.object(Json.parse(json.out(), "stdout"), "report", "stdout"), "results", "stdout");
        assertFalse(rows.isEmpty());
        double ppl = ((Number) Json.object(rows.get(0), "row", "stdout").get("value")).doubleValue();
        assertTrue(ppl > 1 && ppl < 20, "stories260K perplexity on TinyStories: " + ppl);
    }

    @Test
    void evalPplReadsAWikiTextFileByArticleAndRejectsAnUnknownFormat() throws Exception {
        Path wiki = shared.resolve("wiki.test.raw");
        Files.writeString(
                wiki, " \n = A = \n \n The cat sat ( on the mat ) . \n \n = B = \n \n Dogs ' tails @-@ wag . \n");
        Run r = run(
                "eval",
                "ppl",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                wiki.toString(),
                "--context",
                "64",
                "--format",
                "wikitext",
                "--json");
        assertEquals(0, r.code(), r.err());
        List<Object> rows =
                Json.getList(Json.object(Json.parse(r.out(), "stdout"), "report", "stdout"), "results", "stdout");
        Map<String, Object> words = Json.object(rows.get(1), "row", "stdout");
        assertEquals("word_perplexity", words.get("metric"));
        assertEquals(14L + 11L, ((Number) words.get("n")).longValue(), "words of the two articles before detokenizing");
        assertEquals(
                2L,
                ((Number) Json.object(words.get("settings"), "settings", "stdout")
                                .get("documents"))
                        .longValue());
        Run bad =
                run("eval", "ppl", "--model", model, "--tokenizer", tok, "--text", wiki.toString(), "--format", "wiki");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: --format must be plain or wikitext, got 'wiki'"), bad.err());
    }

    @Test
    void evalTasksJson() throws Exception {
        Run r = run(
                "eval",
                "tasks",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--tasks-dir",
                tasks,
                "--task",
                "piqa",
                "--task",
                "arc_easy",
                "--limit",
                "8",
                "--json");
        assertEquals(0, r.code(), r.err());
        List<Object> rows =
                Json.getList(Json.object(Json.parse(r.out(), "stdout"), "report", "stdout"), "results", "stdout");
        assertEquals(4, rows.size(), r.out());
        Run bad = run("eval", "tasks", "--model", model, "--tokenizer", tok, "--tasks-dir", tasks, "--task", "nope");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("unknown task 'nope'"), bad.err());
    }

    @Test
    void importanceJsonHasAScorePerBlock() throws Exception {
        Run r = run(
                "importance",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--windows",
                "4",
                "--seq",
                "64",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> o = Json.object(Json.parse(r.out(), "stdout"), "root", "stdout");
        assertEquals(5, Json.getList(o, "scores", "stdout").size());
        assertEquals("bi", o.get("metric"));
        Run bad = run(
                "importance", "--model", model, "--tokenizer", tok, "--text", text.toString(), "--metric", "entropy");
        assertEquals(
                "error: unknown importance metric 'entropy'; expected bi, ppl, l2 or taylor",
                bad.err().strip());
        Run table = run(
                "importance",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--windows",
                "4",
                "--seq",
                "64",
                "--metric",
                "l2");
        assertEquals(0, table.code(), table.err());
        assertEquals(6, table.out().lines().count(), table.out());
    }

    @Test
    void compressWritesALoadableModelAndReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("small");
        Run r = run(
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
                "2048",
                "--seq",
                "64",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> o = Json.object(Json.parse(r.out(), "stdout"), "root", "stdout");
        assertEquals("flexigpt", o.get("method"));
        assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("report.json")));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(out), left.toList(), "the recovery checkpoint is removed once the model is saved");
        }
        Run gen = run("generate", "--model", out.toString(), "--max-tokens", "5");
        assertEquals(0, gen.code(), gen.err());
        Run again = run(
                "compress", "--model", model, "--tokenizer", tok, "--text", text.toString(), "--out", out.toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void extendAndTrainRun(@TempDir Path dir) throws Exception {
        Run e = run(
                "extend",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--blocks",
                "1",
                "--tokens",
                "1024",
                "--seq",
                "64",
                "--out",
                dir.resolve("grown").toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("grew 5 -> 6 blocks"), e.out());
        Run t = run(
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
                "4",
                "--steps",
                "6",
                "--out",
                dir.resolve("trained").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(dir.resolve("trained/model/config.json")));
        assertTrue(Files.exists(dir.resolve("trained/model/tokenizer.bin")), "the tokenizer is saved beside the model");
        Run fromDir = run(
                "generate", "--model", dir.resolve("trained/model").toString(), "--prompt", "The", "--max-tokens", "3");
        assertEquals(0, fromDir.code(), "the saved model loads with its own tokenizer: " + fromDir.err());
        Run again = run(
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
                "4",
                "--steps",
                "8",
                "--out",
                dir.resolve("trained").toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("--resume") && again.err().contains("finished training run"), again.err());
        Run resumed = run(
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
                "4",
                "--steps",
                "8",
                "--resume",
                "--out",
                dir.resolve("trained").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(
                resumed.out().contains("trained 2 steps"), "continues from the checkpoint of step 6: " + resumed.out());
    }

    @Test
    void errorsAreOneClearLineWithNonZeroExit(@TempDir Path dir) throws Exception {
        Run missing = run("generate", "--model", dir.resolve("nope.bin").toString(), "--tokenizer", tok);
        assertNotEquals(0, missing.code());
        assertTrue(
                missing.err().startsWith("error: ")
                        && missing.err().contains("nope.bin")
                        && missing.err().strip().lines().count() == 1,
                missing.err());
        Path corrupt = dir.resolve("corrupt.bin");
        byte[] b = Files.readAllBytes(Path.of(model));
        Files.write(corrupt, java.util.Arrays.copyOf(b, b.length / 2));
        Run bad = run("generate", "--model", corrupt.toString(), "--tokenizer", tok);
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("corrupt.bin") && bad.err().contains("implies"), bad.err());
        Run verbose = run("generate", "--model", corrupt.toString(), "--tokenizer", tok, "--verbose");
        assertTrue(verbose.err().contains("at io.flexigpt"), "stack trace under --verbose");
        Run option = run(
                "compress",
                "--model",
                model,
                "--rate",
                "abc",
                "--text",
                text.toString(),
                "--out",
                dir.resolve("x").toString());
        assertNotEquals(0, option.code());
        assertEquals(
                "error: Invalid value for option '--rate': 'abc' is not a double (see 'flexigpt compress --help')",
                option.err().strip());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
        Run tokens = run(
                "compress",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--recovery-tokens",
                "-5",
                "--text",
                text.toString(),
                "--out",
                dir.resolve("x").toString());
        assertNotEquals(0, tokens.code());
        assertEquals(
                "error: --recovery-tokens must be at least 0, got -5",
                tokens.err().strip());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
        Run device = run("generate", "--device", "tpu", "--model", model, "--tokenizer", tok);
        assertEquals(2, device.code());
        assertEquals(
                "error: --device must be cpu or opencl, got 'tpu' (see 'flexigpt generate --help')",
                device.err().strip());
        Run trainOnDevice = run(
                "train",
                "--device",
                "opencl",
                "--text",
                text.toString(),
                "--tokenizer",
                tok,
                "--out",
                dir.resolve("t").toString());
        assertEquals(2, trainOnDevice.code());
        assertTrue(
                trainOnDevice.err().startsWith("error: Unknown options: '--device'"),
                "training runs on the cpu: " + trainOnDevice.err());
        Run none = run("eval");
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("error: choose 'eval ppl' or 'eval tasks'"), none.err());
        Run method = run(
                "compress",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--method",
                "magic",
                "--text",
                text.toString(),
                "--out",
                dir.resolve("x").toString());
        assertEquals(
                "error: --method must be one of flexigpt, flexigpt-paper-norm, drop, sleb, drop-lora, flexigpt-random-source, flexigpt-lora-init, "
                        + "flexigpt-no-output-norm, flexigpt-no-sharing; got 'magic'",
                method.err().strip());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
        Run steps = run(
                "train",
                "--text",
                text.toString(),
                "--tokenizer",
                tok,
                "--steps",
                "0",
                "--out",
                dir.resolve("t").toString());
        assertNotEquals(0, steps.code());
        assertTrue(steps.err().startsWith("error: ") && steps.err().contains("steps"), steps.err());
        assertFalse(Files.exists(dir.resolve("t")), "nothing written");
        Run help = run("compress", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--method"), help.out());
    }

    @Test
    void quickDemoWritesItsReports(@TempDir Path dir) throws Exception {
        Run r = run(
                "demo",
                "--quick",
                "--cache",
                dir.resolve("cache").toString(),
                "--out",
                dir.resolve("report").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FlexiGPT") && r.out().contains("ShortGPT drop"), r.out());
        for (String f : new String[] {"report.json", "report.md", "report.html"})
            assertTrue(Files.exists(dir.resolve("report").resolve(f)), f);
        List<String> md = Files.readAllLines(dir.resolve("report/report.md"));
        assertTrue(md.get(2).startsWith("recovery: 4 steps x 8 x 32"), "the recovery budget is stated: " + md);
        assertEquals("| method | rate | blocks | stored parameters | trainable parameters | held-out ppl |", md.get(4));
        assertEquals(10, md.size(), "title, blank, recovery, blank, header, rule, four methods: " + md);
        assertEquals(
                4,
                Json.getList(
                                Json.object(
                                        Json.parse(Files.readString(dir.resolve("report/report.json")), "report"),
                                        "report",
                                        "report"),
                                "results",
                                "report")
                        .size());
        String html = Files.readString(dir.resolve("report/report.html"));
        assertTrue(
                html.contains("class=\"pruned\"><title>block ") && html.contains("class=\"kept\"><title>block "),
                "importance bars with the pruned marked");
        assertTrue(html.contains("<table class=\"sources\">"), "FlexiGPT's sources");
        String losses = html.substring(html.indexOf("Training loss per recovery step"));
        assertTrue(
                losses.contains(">FlexiGPT</text>") && losses.contains(">drop + LoRA</text>"),
                "a loss curve per trained method: " + losses);
        assertTrue(html.contains("<h2>Phase times</h2>"), html);
        Run cached = run(
                "demo",
                "--quick",
                "--cache",
                dir.resolve("cache").toString(),
                "--out",
                dir.resolve("report").toString());
        assertEquals(0, cached.code(), cached.err());
        assertTrue(cached.out().contains("using the cached teacher"), cached.out());
        assertTrue(Files.exists(dir.resolve("report-2/report.html")));
        Path teacher = dir.resolve("cache")
                .resolve("demo-" + DemoCommand.Settings.QUICK.key())
                .resolve("teacher");
        assertFalse(
                Files.exists(teacher.resolveSibling("teacher-training.safetensors")),
                "the training checkpoint goes once the teacher is saved");
        Run gen = run("generate", "--model", teacher.toString(), "--prompt", "The", "--max-tokens", "5");
        assertEquals(0, gen.code(), gen.err());
        assertTrue(gen.out().startsWith("The"), gen.out());
    }
}

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval tasks} as lm-evaluation-harness users run it: --bos, --limit, --output-path with --log-samples, the vertical table. */
class EvalTasksCommandTest {
    @TempDir
    Path tmp;

    static String run(int expectedCode, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        assertEquals(expectedCode, code, err.toString());
        return out + err.toString();
    }

    /** The first input token of every logged winogrande request with {@code --bos mode}. */
    private List<Long> firstTokens(String mode) throws Exception {
        String model = TestData.file("models/stories260K/stories260K.bin").toString(),
                tok = TestData.file("models/stories260K/tok512.bin").toString();
        Path out = tmp.resolve(mode);
        String printed = run(
                0,
                "eval",
                "tasks",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--tasks-dir",
                TestData.file("tasks").toString(),
                "--task",
                "winogrande",
                "--limit",
                "4",
                "--bos",
                mode,
                "--output-path",
                out.toString(),
                "--log-samples");
        assertTrue(printed.contains("| task | metric | value |") && printed.contains("| winogrande | acc |"), printed);
        Map<String, Object> doc =
                Json.object(Json.parse(Files.readString(out.resolve("results.json")), "results"), "doc", "results");
        assertTrue(Json.getObject(Json.getObject(doc, "results", "r"), "winogrande", "r")
                .containsKey("acc,none"));
        List<Long> first = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("samples_winogrande.jsonl"))) {
            for (Object ids :
                    Json.getList(Json.object(Json.parse(line, "sample"), "line", "sample"), "input_tokens", "sample")) {
                first.add(((Number) ((List<?>) ids).get(0)).longValue());
            }
        }
        assertEquals(8, first.size(), "4 items, 2 requests each");
        return first;
    }

    @Test
    void bosNeverAndAlwaysAsLoggedInTheSamples() throws Exception {
        assertTrue(firstTokens("always").stream().allMatch(t -> t == 1L), "BOS (id 1) first");
        assertTrue(firstTokens("never").stream().noneMatch(t -> t == 1L), "text first");
        String err = run(2, "eval", "tasks", "--model", "m", "--tasks-dir", tmp.toString(), "--log-samples");
        assertTrue(err.contains("--log-samples needs --output-path"), err);
    }
}

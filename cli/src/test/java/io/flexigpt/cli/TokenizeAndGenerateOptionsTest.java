package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.Json;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.TokenizerConfig;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.tensor.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenize / detokenize on every kind of tokenizer file, generate's timings, stop strings, sampling options, prompt file and chat templates. */
class TokenizeAndGenerateOptionsTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static int[] ids(String line) {
        return Arrays.stream(line.strip().split(" "))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) Json.parse(r.out(), "output");
    }

    @Test
    void tokenizeReadsLlama2cJsonModelDirectoryAndGgufAlike() throws Exception {
        String text = "Once upon a time, there was a little girl named Lily.";
        Path tok512 = TestData.file("models/stories260K/tok512.bin");
        int[] expected = Tokenizers.load(tok512).encode(text, true, false);
        assertEquals(1, expected[0]);
        for (Path source : List.of(
                tok512,
                TestData.file("models/stories260K-hf"),
                TestData.file("models/stories260K-hf/tokenizer.json"),
                TestData.file("models/stories260K/stories260K-f16.gguf"))) {
            Run r = run("tokenize", "--tokenizer", source.toString(), text);
            assertEquals(0, r.code(), source + ": " + r.err());
            assertArrayEquals(expected, ids(r.out()), source.toString());
            Run noBos = run("tokenize", "--tokenizer", source.toString(), "--bos", "false", text);
            assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length), ids(noBos.out()), source.toString());
        }
        Map<String, Object> j = json(run("tokenize", "--model", tok512.toString(), "--json", text));
        assertEquals(expected.length, ((Number) j.get("count")).intValue());
        assertEquals(Boolean.TRUE, j.get("bos"));
        assertEquals(((List<?>) j.get("ids")).size(), ((List<?>) j.get("pieces")).size());
        Run pieces = run("tokenize", "--tokenizer", tok512.toString(), "--pieces", "Once");
        assertTrue(pieces.out().lines().allMatch(l -> l.matches("\\d+\t\".*\"")), pieces.out());
    }

    @Test
    void tokenizeDefaultsToEachTokenizersOwnBos(@TempDir Path dir) throws Exception {
        Map<String, Object> mistral = json(run(
                "tokenize",
                "--tokenizer",
                TestData.file("tokenizers/mistral-7b").toString(),
                "--json",
                "Hello world"));
        assertEquals(Boolean.TRUE, mistral.get("bos"), "add_bos_token is true in its tokenizer_config.json");
        assertEquals(List.of("<s>", "\u2581Hello", "\u2581world"), mistral.get("pieces"));
        Map<String, Object> qwen = json(
                run("tokenize", "--tokenizer", TestData.file("tokenizers/qwen3").toString(), "--json", "Hello world"));
        assertEquals(Boolean.FALSE, qwen.get("bos"), "Qwen3 has no BOS");
        assertEquals(List.of("Hello", "\u0120world"), qwen.get("pieces"));
        Path file = dir.resolve("text.txt");
        Files.writeString(file, "Hello world");
        String tok512 = TestData.file("models/stories260K/tok512.bin").toString();
        assertEquals(
                run("tokenize", "--tokenizer", tok512, "Hello world").out(),
                run("tokenize", "--tokenizer", tok512, "--file", file.toString())
                        .out());
        Run back = run(
                "detokenize",
                "--tokenizer",
                TestData.file("tokenizers/mistral-7b").toString(),
                mistral.get("ids").toString());
        assertEquals("Hello world", back.out().strip(), back.err());
    }

    @Test
    void detokenizeRoundTripsAndRejectsBadIds() throws Exception {
        String tok = TestData.file("models/stories260K/tok512.bin").toString();
        String text = "The cat sat on the mat.";
        Run ids = run("tokenize", "--tokenizer", tok, text);
        List<String> args = new java.util.ArrayList<>(List.of("detokenize", "--tokenizer", tok));
        args.addAll(List.of(ids.out().strip().split(" ")));
        Run back = run(args.toArray(new String[0]));
        assertEquals(text + "\n", back.out());
        assertEquals(
                text,
                json(run(
                                "detokenize",
                                "--tokenizer",
                                tok,
                                "--json",
                                "[" + ids.out().strip().replace(' ', ',') + "]"))
                        .get("text"));
        Run bad = run("detokenize", "--tokenizer", tok, "5", "512");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("token 2: id 512 is outside the vocabulary of 512"), bad.err());
        Run word = run("detokenize", "--tokenizer", tok, "5", "x");
        assertTrue(word.err().contains("'x' is not an integer id"), word.err());
    }

    @Test
    void generateReportsTimingsAndCutsBeforeStopStrings(@TempDir Path dir) throws Exception {
        String model = TestData.file("models/stories260K/stories260K.bin").toString(),
                tok = TestData.file("models/stories260K/tok512.bin").toString();
        Run plain = run("generate", "--model", model, "--tokenizer", tok, "--max-tokens", "40");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().startsWith("Once upon a time, there was a little girl named Lily."), plain.out());
        assertTrue(
                plain.err()
                        .matches(
                                "(?s).*load: [\\d.]+ ms; prompt: 1 tokens in [\\d.]+ ms \\([\\d.]+ tokens/s\\); generation: 40 tokens, 39 passes in "
                                        + "[\\d.]+ ms \\([\\d.]+ tokens/s\\); stop: length.*"),
                plain.err());
        Map<String, Object> free =
                json(run("generate", "--model", model, "--tokenizer", tok, "--max-tokens", "40", "--json"));
        String text = (String) free.get("text");
        assertTrue(plain.out().startsWith(text.substring(0, 60)), text);
        assertEquals(40, ((List<?>) free.get("tokens")).size());
        Map<?, ?> timings = (Map<?, ?>) free.get("timings");
        for (String key :
                List.of("load_ms", "prefill_ms", "prefill_tokens_per_s", "decode_ms", "decode_tokens_per_s")) {
            assertTrue(((Number) timings.get(key)).doubleValue() >= 0, key);
        }
        Map<String, Object> stopped = json(run(
                "generate",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--max-tokens",
                "40",
                "--json",
                "--stop",
                "park",
                "--stop",
                "Lily"));
        assertEquals(text.substring(0, text.indexOf("Lily")), stopped.get("text"));
        assertEquals("stop_string", stopped.get("stop_reason"));
        Run streamed = run("generate", "--model", model, "--tokenizer", tok, "--max-tokens", "40", "--stop", "Lily");
        assertEquals("Once upon a time, there was a little girl named \n", streamed.out());
        Path promptFile = dir.resolve("prompt.txt");
        Files.writeString(promptFile, "Tom had a dog");
        Run fromFile = run(
                "generate",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--max-tokens",
                "20",
                "--prompt-file",
                promptFile.toString());
        Run fromOption = run(
                "generate", "--model", model, "--tokenizer", tok, "--max-tokens", "20", "--prompt", "Tom had a dog");
        assertEquals(fromOption.out(), fromFile.out());
        assertTrue(fromFile.out().startsWith("Tom had a dog"), fromFile.out());
    }

    @Test
    void minPOfOneIsGreedyAndRepetitionPenaltyChangesGreedyText() throws Exception {
        String model = TestData.file("models/stories260K/stories260K.bin").toString(),
                tok = TestData.file("models/stories260K/tok512.bin").toString();
        Object greedy = json(run("generate", "--model", model, "--tokenizer", tok, "--max-tokens", "60", "--json"))
                .get("tokens");
        Object minP = json(run(
                        "generate",
                        "--model",
                        model,
                        "--tokenizer",
                        tok,
                        "--max-tokens",
                        "60",
                        "--json",
                        "--temperature",
                        "1.5",
                        "--min-p",
                        "1",
                        "--seed",
                        "7"))
                .get("tokens");
        assertEquals(greedy, minP, "min-p = 1 keeps only the most likely token");
        Object penalized = json(run(
                        "generate",
                        "--model",
                        model,
                        "--tokenizer",
                        tok,
                        "--max-tokens",
                        "60",
                        "--json",
                        "--repeat-penalty",
                        "1.5"))
                .get("tokens");
        assertNotEquals(greedy, penalized);
        Run bad = run("generate", "--model", model, "--tokenizer", tok, "--min-p", "2");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("minP must be in [0, 1], got 2.0"), bad.err());
    }

    @Test
    void chatTemplatesOfRealTokenizersAreRecognisedAndRendered() throws Exception {
        String llama3 = TokenizerConfig.near(TestData.file("tokenizers/llama3.1/tokenizer.json"))
                .chatTemplate();
        String qwen3 = TokenizerConfig.near(TestData.file("tokenizers/qwen3/tokenizer.json"))
                .chatTemplate();
        assertEquals(
                ChatTemplates.Family.LLAMA3, ChatTemplates.recognise(llama3).family());
        assertEquals(ChatTemplates.Family.CHATML, ChatTemplates.recognise(qwen3).family());
        assertEquals(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi there"
                        + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatTemplates.render(
                        ChatTemplates.recognise(llama3),
                        "<|begin_of_text|>",
                        "Be brief.",
                        "Hi there ",
                        ChatTemplatesTest.DAY,
                        null));
        assertEquals(
                "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplates.render(ChatTemplates.recognise(qwen3), "", null, "Hi", ChatTemplatesTest.DAY, null));
        assertEquals(
                "<bos><start_of_turn>user\nSys\n\nHi<end_of_turn>\n<start_of_turn>model\n",
                ChatTemplates.render(
                        ChatTemplates.recognise("<start_of_turn><end_of_turn>"),
                        "<bos>",
                        "Sys",
                        "Hi",
                        ChatTemplatesTest.DAY,
                        null));
        Tokenizer tok = Tokenizers.load(TestData.file("tokenizers/llama3.1"));
        int[] ids = tok.encode(
                ChatTemplates.render(
                        ChatTemplates.recognise(llama3),
                        tok.piece(tok.bosId()),
                        null,
                        "Hi",
                        ChatTemplatesTest.DAY,
                        null),
                false,
                false);
        assertEquals(tok.bosId(), ids[0]);
        assertEquals(1, Arrays.stream(ids).filter(id -> id == tok.bosId()).count());
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == tok.eosId()), "<|eot_id|> is one token");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ChatTemplates.recognise("{{ messages[0].content }}"));
        assertTrue(e.getMessage().contains("not one of the recognised"), e.getMessage());
        Run noTemplate = run(
                "generate",
                "--model",
                TestData.file("models/stories260K/stories260K.bin").toString(),
                "--tokenizer",
                TestData.file("models/stories260K/tok512.bin").toString(),
                "--chat",
                "--prompt",
                "Hi");
        assertEquals(1, noTemplate.code());
        assertTrue(noTemplate.err().contains("--chat: the model has no chat template"), noTemplate.err());
    }

    @Test
    void stopStringsHoldBackOnlyWhatMayStartOne() {
        StopStrings s = new StopStrings(List.of("END", "xy"));
        assertEquals("ab", s.add("abE"));
        assertEquals("", s.add("N"));
        assertEquals("ENc", s.add("c"));
        assertEquals("d", s.add("dx"));
        assertFalse(s.stopped());
        assertEquals("", s.add("yz"));
        assertTrue(s.stopped());
        assertEquals("", s.add("more"));
        assertEquals("", s.flush());
        StopStrings t = new StopStrings(List.of("END"));
        assertEquals("a", t.add("aEN"));
        assertEquals("EN", t.flush());
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }
}

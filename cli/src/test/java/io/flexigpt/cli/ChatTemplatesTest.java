package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.HfExport;
import io.flexigpt.nn.tokenizer.TokenizerConfig;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two chat-template variants rendered as their templates render them: Llama-3.1's system header (knowledge
 * cutoff and today's date, fixed by the template or from the clock) and Qwen3's enable_thinking switch, on the
 * real Llama-3.1 and Qwen3 templates and on template fragments with the system header.
 */
class ChatTemplatesTest {
    @TempDir
    Path tmp;

    static final LocalDate DAY = LocalDate.of(2026, 3, 7);

    /** The system-header part of a Llama-3.1 style template, with a fixed default date. */
    static final String LLAMA31_HEADER =
            "{{- bos_token }}{%- if not date_string is defined %}{%- set date_string = \"26 Jul 2024\" %}{%- endif %}"
                    + "{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}"
                    + "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}{{- system_message }}{{- \"<|eot_id|>\" }}";
    /** The same, with the date from strftime_now when the renderer has it (as Llama-3.2's template). */
    static final String LLAMA32_HEADER = LLAMA31_HEADER.replace(
            "{%- set date_string = \"26 Jul 2024\" %}",
            "{%- if strftime_now is defined %}{%- set date_string = strftime_now(\"%d %b %Y\") %}{%- else %}{%- set date_string = \"26 Jul 2024\" %}{%- endif %}");

    static String template(String name) throws Exception {
        return TokenizerConfig.near(TestData.file("tokenizers/" + name + "/tokenizer.json"))
                .chatTemplate();
    }

    @Test
    void theRealLlama31TemplateHasNoSystemHeaderAndRendersWithoutOne() throws Exception {
        ChatTemplates.Template t = ChatTemplates.recognise(template("llama3.1"));
        assertNull(
                t.knowledgeCutoff(), "the Llama-3.1 tokenizer_config.json at hand carries the plain Llama-3 template");
        assertEquals(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatTemplates.render(t, "<|begin_of_text|>", null, " Hi\n", DAY, null));
    }

    @Test
    void llama31SystemHeaderStatesTheCutoffAndTheTemplatesDate() {
        ChatTemplates.Template t = ChatTemplates.recognise(LLAMA31_HEADER);
        assertEquals(ChatTemplates.Family.LLAMA3, t.family());
        assertEquals("December 2023", t.knowledgeCutoff());
        assertEquals("26 Jul 2024", t.fixedDate());
        String header =
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";
        String turn =
                "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(
                header + "<|eot_id|>" + turn,
                ChatTemplates.render(t, "<|begin_of_text|>", null, "Hi", DAY, null),
                "the header even without a system message");
        assertEquals(
                header + "Be brief.<|eot_id|>" + turn,
                ChatTemplates.render(t, "<|begin_of_text|>", " Be brief. ", "Hi", DAY, null));
    }

    @Test
    void aTemplateWithStrftimeNowStatesTheClocksDate() {
        ChatTemplates.Template t = ChatTemplates.recognise(LLAMA32_HEADER);
        assertNull(t.fixedDate());
        String rendered = ChatTemplates.render(t, "<|begin_of_text|>", null, "Hi", DAY, null);
        assertTrue(
                rendered.contains("Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2026\n\n<|eot_id|>"),
                rendered);
        assertTrue(ChatTemplates.render(t, "", null, "Hi", LocalDate.of(2025, 12, 31), null)
                .contains("Today Date: 31 Dec 2025\n"));
    }

    @Test
    void qwen3ThinkingSwitch() throws Exception {
        ChatTemplates.Template t = ChatTemplates.recognise(template("qwen3"));
        assertTrue(t.thinkingSwitch());
        String on = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(on, ChatTemplates.render(t, "", "Be brief.", "Hi", DAY, null));
        assertEquals(on, ChatTemplates.render(t, "", "Be brief.", "Hi", DAY, true));
        assertEquals(on + "<think>\n\n</think>\n\n", ChatTemplates.render(t, "", "Be brief.", "Hi", DAY, false));
        ChatTemplates.Template llama = ChatTemplates.recognise(template("llama3.1"));
        assertFalse(llama.thinkingSwitch());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ChatTemplates.render(llama, "", null, "Hi", DAY, false));
        assertTrue(e.getMessage().contains("no enable_thinking switch"), e.getMessage());
    }

    /** generate --chat --no-think on a tiny random model with the Qwen3 tokenizer: the prompt gains the think block's tokens. */
    @Test
    void generateNoThinkAddsTheEmptyThinkBlock() throws Exception {
        Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
        Path model = tmp.resolve("tiny");
        LlamaModel tiny = LlamaModel.random(
                LlamaConfig.builder()
                        .dim(8)
                        .layers(1)
                        .heads(2)
                        .kvHeads(1)
                        .hiddenDim(16)
                        .vocabSize(151_936)
                        .maxSeqLen(64)
                        .tiedEmbeddings(true)
                        .build(),
                1);
        HfExport.write(model, tiny.toCheckpoint(), StoredType.F16, Map.of());
        String[] base = {
            "generate",
            "--model",
            model.toString(),
            "--tokenizer",
            tokenizer.toString(),
            "--chat",
            "--prompt",
            "Hi",
            "--max-tokens",
            "1",
            "--json"
        };
        long plain = promptTokens(TokenizeAndGenerateOptionsTest.run(base));
        long thinkOn = promptTokens(TokenizeAndGenerateOptionsTest.run(append(base, "--think")));
        long thinkOff = promptTokens(TokenizeAndGenerateOptionsTest.run(append(base, "--no-think")));
        assertEquals(plain, thinkOn);
        assertEquals(plain + 4, thinkOff, "<think>, \\n\\n, </think>, \\n\\n");
        TokenizeAndGenerateOptionsTest.Run noChat = TokenizeAndGenerateOptionsTest.run(
                "generate",
                "--model",
                model.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--no-think",
                "--prompt",
                "Hi",
                "--max-tokens",
                "1");
        assertEquals(1, noChat.code());
        assertTrue(noChat.err().contains("need --chat"), noChat.err());
    }

    private static long promptTokens(TokenizeAndGenerateOptionsTest.Run r) throws Exception {
        return ((Number) TokenizeAndGenerateOptionsTest.json(r).get("prompt_tokens")).longValue();
    }

    private static String[] append(String[] args, String extra) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = extra;
        return a;
    }
}

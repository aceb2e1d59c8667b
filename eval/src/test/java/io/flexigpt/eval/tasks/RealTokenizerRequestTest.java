package io.flexigpt.eval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.testing.TestData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Requests built with the real stories260K tokenizer reproduce the prompt text exactly. */
class RealTokenizerRequestTest {

    @Test
    void arcRequestsDecodeBackToContextAndContinuation() throws Exception {
        Tokenizer tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        Task task = Tasks.load(
                "arc_easy",
                TestData.file("tasks/arc-easy/arc_easy.jsonl").getParent().getParent());
        for (TaskItem item : task.items().subList(0, 50)) {
            for (Choice choice : item.choices()) {
                Request request = Request.encode(tokenizer, choice, true, 512);
                assertEquals(tokenizer.bosId(), request.tokens()[0]);
                assertEquals(choice.context() + choice.continuation(), tokenizer.decode(request.tokens()));
                int[] contextOnly = tokenizer.encode(choice.context(), true, false);
                assertTrue(request.continuationLength() > 0);
                assertEquals(contextOnly.length, request.scoreFrom());
                assertEquals(
                        choice.continuation().strip(),
                        tokenizer
                                .decode(Arrays.copyOfRange(
                                        request.tokens(), request.scoreFrom(), request.tokens().length))
                                .strip());
            }
        }
    }

    @Test
    void lambadaRequestsAreLeftTruncatedToTheContext() throws Exception {
        Tokenizer tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        Task task = Tasks.load(
                "lambada_openai",
                TestData.file("tasks/lambada/lambada_openai.jsonl").getParent().getParent());
        Choice choice = task.items().get(0).choices().get(0);
        int full = tokenizer.encode(choice.context() + choice.continuation(), true, false).length;
        Request request = Request.encode(tokenizer, choice, true, 64);
        assertTrue(full > 65, "the first LAMBADA passage is longer than the window");
        assertEquals(65, request.tokens().length);
        assertTrue(tokenizer.decode(request.tokens()).endsWith("I don't care about signs"));
    }
}

package io.flexigpt.nn;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.io.Checkpoint;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.StreamingDecoder;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The real stories260K checkpoint reproduces llama2.c's documented greedy output, from every format. */
class Stories260KGoldenTest {
    static final int[] FIRST_TOKENS = {
        403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408,
        419, 292, 411, 322, 265, 282, 295, 433, 426, 385
    };
    static final String START =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

    /** llama2.c's {@code run -t 0 -n 200}: 200 greedy steps from BOS print exactly the documented 464 characters. */
    @Test
    void greedyDecodingFromBosReproducesTheDocumentedText() throws IOException {
        LlamaModel model =
                LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
        Tokenizer tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        StringBuilder streamed = new StringBuilder();
        StreamingDecoder dec = tok.streamingDecoder();
        dec.next(1);
        int[] out = new Generator(model).generate(new int[] {1}, 200, SamplingConfig.greedy(), new int[] {1, 2}, id -> {
            streamed.append(dec.next(id));
            return true;
        });
        assertArrayEquals(FIRST_TOKENS, Arrays.copyOf(out, FIRST_TOKENS.length));
        int[] withBos = new int[out.length + 1];
        withBos[0] = 1;
        System.arraycopy(out, 0, withBos, 1, out.length);
        String text = tok.decode(withBos);
        assertTrue(text.startsWith(START), text);
        assertEquals(464, text.length(), text);
        assertEquals(text, streamed.toString());
    }

    @Test
    void everyFormatGivesTheSameLogits() throws IOException {
        int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286};
        Tensor reference = LlamaModel.fromCheckpoint(
                        Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")))
                .logits(tokens);
        String[] same = {
            "models/stories260K/tinyllamas-stories-260k-f32.gguf",
            "models/stories260K-hf",
            "models/stories260K-hf-sharded"
        };
        for (String path : same) {
            Checkpoint c = Checkpoints.load(TestData.file(path));
            Tensor logits = LlamaModel.fromCheckpoint(c).logits(tokens);
            assertTrue(logits.maxAbsDiff(reference) < 1e-4, path + ": max difference " + logits.maxAbsDiff(reference));
        }
        double[][] tolerances = {{0.25}, {0.1}, {0.5}};
        String[] approx = {
            "models/stories260K-hf-bf16",
            "models/stories260K/stories260K-f16.gguf",
            "models/stories260K/stories260K-q8_0.gguf"
        };
        for (int i = 0; i < approx.length; i++) {
            Tensor logits = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file(approx[i])))
                    .logits(tokens);
            double diff = logits.maxAbsDiff(reference);
            assertTrue(diff < tolerances[i][0], approx[i] + ": max difference " + diff);
            assertEquals(
                    reference.select(0, 7).argmax(0, false).item(),
                    logits.select(0, 7).argmax(0, false).item(),
                    approx[i]);
        }
    }
}

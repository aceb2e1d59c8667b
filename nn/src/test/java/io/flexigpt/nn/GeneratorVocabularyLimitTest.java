package io.flexigpt.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.tensor.RopeLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A generator limited to a tokenizer smaller than the model's vocabulary never produces an id without text. */
class GeneratorVocabularyLimitTest {
    static final LlamaConfig CONFIG = TinyModels.config(2, 2, 4, 2, 24, 64, 48, false, RopeLayout.ROTATE_HALF);

    @Test
    void limitedGreedyGenerationPicksTheArgmaxAmongTheAllowedIds() {
        LlamaModel model = TinyModels.model(CONFIG, 3);
        int limit = 20;
        int[] prompt = {1, 5, 9};
        int[] out = new Generator(model).limitedTo(limit).generate(prompt, 12, SamplingConfig.greedy(), null, null);
        assertEquals(12, out.length);
        int[] sequence = Arrays.copyOf(prompt, prompt.length + out.length);
        System.arraycopy(out, 0, sequence, prompt.length, out.length);
        boolean limitMattered = false;
        for (int i = 0; i < out.length; i++) {
            float[] logits = model.logits(Arrays.copyOf(sequence, prompt.length + i))
                    .select(0, prompt.length + i - 1)
                    .toFloatArray();
            assertEquals(Sampler.argmax(Arrays.copyOf(logits, limit)), out[i], "token " + i);
            limitMattered |= Sampler.argmax(logits) >= limit;
        }
        assertTrue(limitMattered, "the unrestricted argmax never fell beyond the limit, so the test shows nothing");
    }

    @Test
    void sampledTokensStayBelowTheLimitAndALimitBeyondTheVocabularyIsRefused() {
        LlamaModel model = TinyModels.model(CONFIG, 4);
        int[] out = new Generator(model)
                .limitedTo(7)
                .generate(new int[] {1}, 30, new SamplingConfig(2.0, 1, 0, 5), null, null);
        for (int id : out) assertTrue(id >= 0 && id < 7, "id " + id);
        assertThrows(IllegalArgumentException.class, () -> new Generator(model).limitedTo(65));
    }
}

package io.flexigpt.eval.perplexity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The default perplexity window is the model's context, capped so long-context models fit in memory. */
class DefaultContextTest {
    @Test
    void shortContextsAreUsedWhole() {
        assertEquals(512, PerplexitySettings.defaultContext(512));
        assertEquals(
                PerplexitySettings.DEFAULT_CONTEXT_CAP,
                PerplexitySettings.defaultContext(PerplexitySettings.DEFAULT_CONTEXT_CAP));
    }

    @Test
    void longContextsAreCapped() {
        assertEquals(2048, PerplexitySettings.defaultContext(8192));
        assertEquals(2048, PerplexitySettings.defaultContext(2049));
    }

    @Test
    void aNonPositiveModelContextIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PerplexitySettings.defaultContext(0));
    }
}

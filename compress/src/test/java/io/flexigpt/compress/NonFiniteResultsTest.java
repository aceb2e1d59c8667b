package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.eval.perplexity.PerplexityResult;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.io.FormatException;
import io.flexigpt.nn.LlamaModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compressed model with a non-finite weight does not load, and a non-finite perplexity is an error. */
class NonFiniteResultsTest {
    @Test
    void aCompressedModelWithANaNWeightIsRefused(@TempDir Path dir) throws Exception {
        LlamaModel model = TinyModels.random(3, 4);
        Variable w = model.namedParameters().get("model.norm.weight");
        assertNotNull(w, model.namedParameters().keySet().toString());
        w.value().setInPlace(Double.NaN, 0);
        CompressedModels.save(dir.resolve("m"), model, "test");
        FormatException e = assertThrows(FormatException.class, () -> CompressedModels.load(dir.resolve("m")));
        assertTrue(
                e.getMessage()
                                .contains(dir.resolve("m")
                                        .resolve("model.safetensors")
                                        .toString())
                        && e.getMessage().contains("'model.norm.weight'")
                        && e.getMessage().contains("NaN or infinite"),
                e.getMessage());
    }

    @Test
    void aNonFinitePerplexityIsAnError() {
        ArithmeticException e = assertThrows(
                ArithmeticException.class,
                () -> new PerplexityResult(PerplexitySettings.nonOverlapping(8, 1), 1, 10, 10, Double.NaN, 2, 20));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}

package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every null, missing or wrong-typed field of config.json, and any non-positive or infinite eps/theta, fails naming file and field. */
class ConfigJsonFieldsTest {
    static final List<String> REQUIRED = List.of(
            "hidden_size",
            "intermediate_size",
            "num_hidden_layers",
            "num_attention_heads",
            "vocab_size",
            "max_position_embeddings");
    static final List<String> TYPED = List.of("model_type", "rope_theta", "rms_norm_eps", "tie_word_embeddings");

    private static Map<String, Object> original() throws Exception {
        return Json.object(
                Json.parse(Files.readString(TestData.file("models/stories260K-hf/config.json")), "c"), "c", "c");
    }

    private static void assertFails(Path dir, Map<String, Object> config, String field, String what) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, Json.write(config));
        Throwable t = assertThrows(Throwable.class, () -> HfCheckpoint.readConfig(dir), what);
        assertInstanceOf(FormatException.class, t, what + ": " + t);
        assertTrue(
                t.getMessage().startsWith(file + ": ") && t.getMessage().contains(field), what + ": " + t.getMessage());
    }

    @Test
    void nullsWrongTypesAndMissingFieldsNameTheField(@TempDir Path dir) throws Exception {
        for (String field : REQUIRED) {
            Map<String, Object> c = new LinkedHashMap<>(original());
            c.remove(field);
            assertFails(dir, c, field, "missing " + field);
        }
        for (String field : concat(REQUIRED, TYPED)) {
            for (Object wrong : new Object[] {
                null,
                List.of(1),
                Map.of("a", 1),
                field.equals("model_type") ? 3L : "text",
                field.equals("tie_word_embeddings") ? 1L : true
            }) {
                Map<String, Object> c = new LinkedHashMap<>(original());
                c.put(field, wrong);
                assertFails(dir, c, field, field + " = " + wrong);
            }
        }
    }

    @Test
    void epsAndThetaMustBePositiveAndFinite(@TempDir Path dir) throws Exception {
        for (String field : List.of("rope_theta", "rms_norm_eps")) {
            for (double bad : new double[] {0, -1e-5, 1e39, 1e300, 1e-50}) {
                Map<String, Object> c = new LinkedHashMap<>(original());
                c.put(field, bad);
                assertFails(dir, c, field, field + " = " + bad);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}

package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tokenizer.json whose ids run past the largest vocabulary a model can have is refused before anything is sized by the id. */
class HugeTokenIdTest {
    @SuppressWarnings("unchecked")
    @Test
    void anIdBeyondTheVocabularyIsAnErrorNotAnAllocation(@TempDir Path dir) throws Exception {
        Path original = TestData.file("models/stories260K-hf/tokenizer.json");
        for (boolean inAdded : new boolean[] {false, true}) {
            Map<String, Object> root = Json.object(Json.parse(Files.readString(original), "t"), "root", "t");
            if (inAdded)
                ((Map<String, Object>) ((List<Object>) root.get("added_tokens")).get(1)).put("id", 2_000_000_000L);
            else
                ((Map<String, Object>) ((Map<String, Object>) root.get("model")).get("vocab")).put("e", 2_000_000_000L);
            Path file = dir.resolve("tokenizer-" + inAdded + ".json");
            Files.writeString(file, Json.write(root));
            FormatException e = assertThrows(FormatException.class, () -> HfTokenizer.load(file));
            assertTrue(
                    e.getMessage().contains(file.toString())
                            && e.getMessage().contains("2000000000")
                            && e.getMessage().contains("must be below 4194304"),
                    e.getMessage());
        }
    }
}

package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad shard in model.safetensors.index.json is reported with the index file, the tensor and the shard. */
class ShardIndexTest {
    static final String TENSOR = "model.layers.0.self_attn.k_proj.weight", SHARD = "model-00001-of-00002.safetensors";

    @Test
    void emptyEscapingAndMissingShardsNameIndexTensorAndShard(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(TestData.file("models/stories260K-hf-sharded"))) {
            for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName().toString()));
        }
        Path index = dir.resolve("model.safetensors.index.json");
        String original = Files.readString(index);
        assertEquals(5, HfCheckpoint.read(dir).config().nLayers());
        Files.copy(dir.resolve(SHARD), tmp.resolve(SHARD));
        for (String shard : new String[] {"", ".", "..", "../" + SHARD, "/" + SHARD, "missing.safetensors"}) {
            String edited =
                    original.replace("\"" + TENSOR + "\": \"" + SHARD + "\"", "\"" + TENSOR + "\": \"" + shard + "\"");
            assertNotEquals(original, edited);
            Files.writeString(index, edited);
            FormatException e = assertThrows(FormatException.class, () -> HfCheckpoint.read(dir), shard);
            assertTrue(
                    e.getMessage().startsWith(index + ": ")
                            && e.getMessage().contains("'" + TENSOR + "'")
                            && e.getMessage().contains("shard '" + shard + "'"),
                    e.getMessage());
        }
    }
}

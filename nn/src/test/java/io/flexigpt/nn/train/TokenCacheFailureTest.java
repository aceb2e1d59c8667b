package io.flexigpt.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token cache is optional: when it cannot be written the data set is still returned. */
class TokenCacheFailureTest {
    @Test
    void anUnwritableCacheIsSkipped(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), "abc abc\n\nabd abd\n\nabe abe\n\nabf\n");
        Path tokenizerFile = Files.writeString(dir.resolve("tok.json"), "{}");
        Path notADirectory = Files.writeString(dir.resolve("cache"), "a file where the cache directory would go");
        TokenDataset d =
                TokenDataset.load(text, new TokenDatasetTest.CharTokenizer(), tokenizerFile, null, 0.25, notADirectory);
        assertEquals(
                TokenDataset.encode(Files.readString(text), new TokenDatasetTest.CharTokenizer(), null, 0.25)
                        .train()
                        .length,
                d.train().length);
        assertEquals(
                "a file where the cache directory would go", Files.readString(notADirectory), "nothing overwritten");
    }
}

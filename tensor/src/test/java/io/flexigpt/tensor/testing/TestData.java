package io.flexigpt.tensor.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real data (checkpoints, corpora, tasks) for tests through the system property
 * {@code flexigpt.data} (default {@code ../shared/data}). A missing file skips the test on a
 * developer machine and fails it under {@code CI=true}.
 */
public final class TestData {
    private TestData() {}

    public static Path root() {
        return Paths.get(System.getProperty("flexigpt.data", "../shared/data"));
    }

    /** The file at {@code relative} under the data root; skips (or, under CI, fails) when it is missing. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "real data file missing: " + p.toAbsolutePath() + " (set -Dflexigpt.data)";
            if ("true".equals(System.getenv("CI"))) Assertions.fail(msg);
            Assumptions.abort(msg + "; skipping outside CI");
        }
        return p;
    }
}

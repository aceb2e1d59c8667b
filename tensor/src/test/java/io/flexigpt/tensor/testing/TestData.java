package io.flexigpt.tensor.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real data (checkpoints, corpora, tasks) for tests through the system property
 * {@code flexigpt.data} (default {@code ../shared/data}). A missing file skips the test on a
 * developer machine and fails it under {@code CI=true}.
 */
public final class TestData {
    /** Whether this JVM has said once where the missing data was expected. */
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

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
            if (ANNOUNCED.compareAndSet(false, true)) {
                System.err.println(
                        "test data expected under " + root().toAbsolutePath().normalize()
                                + " is missing: the tests that need it are skipped (set -Dflexigpt.data; under CI=true they fail)");
            }
            Assumptions.abort(msg + "; skipping outside CI");
        }
        return p;
    }
}

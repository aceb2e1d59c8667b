package io.flexigpt.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Builds an output directory beside its final place and moves it there only when complete. */
final class OutputDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    OutputDirectory(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        if (Files.exists(this.target)) throw new FileAlreadyExistsException(target.toString(), null, "output directory exists; choose another --out");
        Files.createDirectories(this.target.getParent());
        this.staging = Files.createTempDirectory(this.target.getParent(), "." + this.target.getFileName() + ".partial-");
    }

    Path path() {
        return staging;
    }

    void commit() throws IOException {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (committed || !Files.exists(staging)) return;
        try (Stream<Path> s = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}

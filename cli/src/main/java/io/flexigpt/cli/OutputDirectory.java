package io.flexigpt.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** Gives the files ordinary permissions (temporary files start private) and moves the directory into place. */
    void commit() throws IOException {
        if (staging.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try (Stream<Path> s = Files.walk(staging)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
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

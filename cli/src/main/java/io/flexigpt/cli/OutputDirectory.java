package io.flexigpt.cli;

import io.flexigpt.io.Leftovers;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Builds an output directory beside its final place and moves it there only when complete. The staging directory
 * carries this process's id in its name, so one a killed run left behind is removed when the same output is next made.
 */
final class OutputDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    OutputDirectory(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        if (Files.exists(this.target))
            throw new FileAlreadyExistsException(
                    target.toString(), null, "output directory exists; choose another --out");
        Files.createDirectories(this.target.getParent());
        String prefix = "." + this.target.getFileName() + ".partial-";
        Leftovers.removeStale(this.target.getParent(), prefix, "");
        Path staging = this.target.getParent().resolve(Leftovers.name(prefix, ""));
        this.staging = staging.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? Files.createDirectory(
                        staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createDirectory(staging);
    }

    Path path() {
        return staging;
    }

    /** Gives the files ordinary permissions (temporary files start private) and moves the directory into place. */
    void commit() throws IOException {
        if (staging.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try (Stream<Path> s = Files.walk(staging)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.setPosixFilePermissions(
                            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
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

package io.flexigpt.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFiles}: the old file or the whole new one, never a half-written file or a leftover temporary. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndCreatesMissingDirectories() throws IOException {
        Path file = dir.resolve("a/b/c.txt");
        AtomicFiles.writeString(file, "first");
        AtomicFiles.writeString(file, "second, longer");
        assertEquals("second, longer", Files.readString(file));
        assertEquals(1, entries(file.getParent()), "no temporary file left");
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("model.bin");
        AtomicFiles.write(file, new byte[] {1, 2, 3});
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(file, ch -> {
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[] {9, 9}));
                    throw new IOException("disk full");
                }));
        assertEquals(
                file.toAbsolutePath() + ": writing failed: disk full",
                e.getMessage(),
                "names the file and keeps the reason");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals(1, entries(dir));
    }

    @Test
    void theNewFileHasTheDirectorysUsualPermissionsNotPrivateOnes() throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        Path plain = Files.createFile(dir.resolve("plain")), atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}

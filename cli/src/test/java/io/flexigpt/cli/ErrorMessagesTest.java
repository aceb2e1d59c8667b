package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-system errors print what failed, where and why, not a bare path. */
class ErrorMessagesTest {
    @Test
    void aJdkFileErrorNamesOperationFileAndReason(@TempDir Path dir) {
        Path inFile = dir.resolve("plain");
        IOException e = assertThrows(IOException.class, () -> {
            Files.writeString(inFile, "x");
            Files.createDirectories(inFile.resolve("sub"));
        });
        assertTrue(
                ErrorMessages.describe(e).startsWith("cannot create directory " + inFile), ErrorMessages.describe(e));
        NoSuchFileException missing =
                assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(dir.resolve("nope")));
        assertEquals(
                "cannot open " + dir.resolve("nope") + ": no such file or directory", ErrorMessages.describe(missing));
        assertEquals("/x: permission denied", ErrorMessages.describe(new AccessDeniedException("/x")));
        assertEquals(
                "text.txt: no such text file",
                ErrorMessages.describe(new NoSuchFileException("text.txt", null, "no such text file")));
    }

    @Test
    void aFullDiskNamesTheFile(@TempDir Path dir) {
        Path target = dir.resolve("model.safetensors");
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, ch -> {
                    throw new IOException("No space left on device");
                }));
        assertEquals(target + ": writing failed: No space left on device", ErrorMessages.describe(e));
    }

    @Test
    void trainIntoAnUnwritablePlaceSaysWhatFailed(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(
                Files.isDirectory(Path.of("/proc/self")), "a Linux /proc, where no directory can be made");
        Path text = Files.writeString(dir.resolve("t.txt"), "Once upon a time.\n\nThe end.\n");
        CliTest.Run r = CliTest.run(
                "train",
                "--text",
                text.toString(),
                "--tokenizer",
                TestData.file("models/stories260K/tok512.bin").toString(),
                "--steps",
                "2",
                "--out",
                "/proc/flexi-train");
        assertNotEquals(0, r.code());
        assertEquals(
                "error: cannot create directory /proc/flexi-train: no such file or directory",
                r.err().strip());
    }
}

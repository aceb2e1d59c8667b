package io.flexigpt.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporaries of a killed process are removed by the next write of the same target; nothing else is. */
class LeftoversTest {
    @Test
    void theNextAtomicWriteRemovesTemporariesOfDeadProcessesOnly(@TempDir Path dir) throws Exception {
        long dead = deadPid(),
                live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        Path target = dir.resolve("training.safetensors");
        Path stale = Files.write(
                dir.resolve(".training.safetensors." + dead + "-" + UUID.randomUUID() + ".tmp"), new byte[1000]);
        Path running = Files.write(
                dir.resolve(".training.safetensors." + live + "-" + UUID.randomUUID() + ".tmp"), new byte[10]);
        Path oldStyle = Files.write(dir.resolve(".training.safetensors." + UUID.randomUUID() + ".tmp"), new byte[10]);
        Path otherTarget =
                Files.write(dir.resolve(".other.safetensors." + dead + "-" + UUID.randomUUID() + ".tmp"), new byte[10]);
        Path user = Files.write(dir.resolve(".training.safetensors.notes.tmp"), new byte[10]);
        AtomicFiles.writeString(target, "new");
        assertFalse(Files.exists(stale), "a dead process's temporary is removed");
        for (Path kept : new Path[] {running, oldStyle, otherTarget, user, target})
            assertTrue(Files.exists(kept), kept.toString());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(5, s.count());
        }
    }

    @Test
    void staleDirectoriesGoWithTheirContents(@TempDir Path dir) throws IOException {
        long dead = deadPid();
        Path staging = Files.createDirectories(
                dir.resolve(".out.partial-" + dead + "-" + UUID.randomUUID()).resolve("sub"));
        Files.writeString(staging.resolve("model.safetensors"), "x");
        Path mine = Files.createDirectory(dir.resolve(Leftovers.name(".out.partial-", "")));
        assertEquals(1, Leftovers.removeStale(dir, ".out.partial-", ""));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.List.of(mine), s.toList());
        }
    }

    /** The id of a process that has finished. */
    static long deadPid() throws IOException {
        Process p = new ProcessBuilder("true").start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
        return p.pid();
    }
}

package io.flexigpt.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader, or a crash, finds either the old file or the complete new one: the
 * content goes to a hidden temporary file beside the target, is forced to disk, and then replaces the
 * target by an atomic rename (a plain replace where the file system has none). A failed write leaves
 * no temporary file behind, and one left by a killed process (its id is in the name, see {@link Leftovers}) is
 * removed by the next write of the same target. Every file this project writes (checkpoints, tokenizers, configs, caches,
 * reports) goes through here.
 */
public final class AtomicFiles {
    /** Writes a file's whole content to a channel opened on the temporary file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces {@code target} with what {@code content} writes, creating missing parent directories. */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        String prefix = "." + file.getFileName() + ".";
        Leftovers.removeStale(dir, prefix, ".tmp");
        Path tmp = dir.resolve(Leftovers.name(prefix, ".tmp"));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            } catch (IOException e) {
                if (e instanceof FileSystemException || e instanceof FormatException) throw e;
                throw (IOException) new FileSystemException(file.toString(), null, "writing failed: " + e.getMessage())
                        .initCause(e);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes every remaining byte of {@code buffer}. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }
}

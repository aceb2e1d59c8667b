package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.io.MappedChunks;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints far larger than one 2 GiB mapping load correctly: the real stories260K tensors are moved past
 * the 4 GiB mark of a sparse file (the gap is a hole, so the file takes about a megabyte of disk), and the
 * model loaded from there must equal the original bit for bit. A reader that truncated an offset to 32 bits
 * would land in the hole and read zeros.
 */
class LargeCheckpointTest {
    /** Where the data section moves to: past 4 GiB, and a multiple of any GGUF alignment. */
    static final long SHIFT = 5L << 30;

    static final int[] TOKENS = {1, 403, 407, 261, 378, 432, 383, 286};

    @TempDir
    Path dir;

    @Test
    void ggufTensorsPastFourGiBLoadExactly() throws IOException {
        requireSparseFiles();
        for (String name :
                new String[] {"tinyllamas-stories-260k-f32.gguf", "stories260K-f16.gguf", "stories260K-q8_0.gguf"}) {
            Path original = TestData.file("models/stories260K/" + name);
            Path big = dir.resolve("big-" + name);
            try {
                long dataStart = writeShifted(original, big);
                assertTrue(Files.size(big) > SHIFT + dataStart, name + ": " + Files.size(big));
                assertTrue(diskKiB(big) < 16 << 10, name + ": the sparse file takes " + diskKiB(big) + " KiB of disk");
                Checkpoint expected = GgufCheckpoint.read(original), actual = GgufCheckpoint.read(big);
                assertEquals(expected.config(), actual.config(), name);
                assertEquals(expected.weights().keySet(), actual.weights().keySet(), name);
                for (Map.Entry<String, Tensor> e : expected.weights().entrySet()) {
                    assertEquals(
                            0, e.getValue().maxAbsDiff(actual.weights().get(e.getKey())), name + ": " + e.getKey());
                }
                assertNotNull(actual.tokenizer(), name);
                Tensor logits = LlamaModel.fromCheckpoint(actual).logits(TOKENS);
                assertEquals(
                        0, logits.maxAbsDiff(LlamaModel.fromCheckpoint(expected).logits(TOKENS)), name);
            } finally {
                Files.deleteIfExists(big);
            }
        }
    }

    /** Both ways {@link MappedChunks} reads (a heap read for small ranges, a mapping for large ones) use the full 64-bit offset. */
    @Test
    void mappedChunksReadAtSixtyFourBitOffsets() throws IOException {
        requireSparseFiles();
        Path sparse = dir.resolve("sparse.bin");
        long at = (6L << 30) + 12;
        float[] small = {1.5f, -2.25f, 0f, 65504f, -0x1p-14f};
        float[] large = new float[300_000];
        Random random = new Random(7);
        for (int i = 0; i < large.length; i++) large[i] = (float) random.nextGaussian();
        ByteBuffer b = ByteBuffer.allocate(6 * small.length + 4 * large.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : small) b.putFloat(v);
        for (float v : small) b.putShort(HalfFloats.f32ToF16(v));
        for (float v : large) b.putFloat(v);
        try {
            try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
                f.seek(at);
                f.write(b.array());
            }
            try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.READ)) {
                assertArrayEquals(small, MappedChunks.floats(ch, at, small.length, StoredType.F32));
                assertArrayEquals(small, MappedChunks.floats(ch, at + 4L * small.length, small.length, StoredType.F16));
                assertArrayEquals(large, MappedChunks.floats(ch, at + 6L * small.length, large.length, StoredType.F32));
                assertArrayEquals(
                        new float[3], MappedChunks.floats(ch, 1L << 32, 3, StoredType.F32), "the hole reads as zeros");
            }
        } finally {
            Files.deleteIfExists(sparse);
        }
    }

    /**
     * In a file of several GiB a corrupt count or length may still lie within the file; an array of 2^30
     * elements or a string of 2 GiB fails at once, naming the file and the byte.
     */
    @Test
    void absurdSizesInAHugeGgufFailFast() throws IOException {
        requireSparseFiles();
        byte[] original = Files.readAllBytes(TestData.file("models/stories260K/tinyllamas-stories-260k-f32.gguf"));
        // version 1: after the key, u32 value type (array), u32 element type (string), u32 count, then the first
        // string's u32 length
        int count = after(original, original.length, prefixed("tokenizer.ggml.tokens", true)) + 8;
        assertEquals(
                512, ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(count));
        Path huge = dir.resolve("huge.gguf");
        int[][] edits = {{count, 1 << 30}, {count + 4, Integer.MIN_VALUE}};
        try {
            for (int[] edit : edits) {
                byte[] b = original.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(edit[0], edit[1]);
                try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
                    f.setLength(0);
                    f.write(b);
                    f.setLength(SHIFT);
                }
                FormatException e = assertTimeoutPreemptively(
                        Duration.ofSeconds(10),
                        () -> assertThrows(FormatException.class, () -> GgufCheckpoint.read(huge)));
                assertTrue(
                        e.getMessage().startsWith(huge + ": byte ")
                                && e.getMessage().contains("accepted"),
                        e.getMessage());
            }
        } finally {
            Files.deleteIfExists(huge);
        }
    }

    /** An unshared classifier comes after the RoPE tables; every llama2.c array is read from its own offset. */
    @Test
    void llama2cArraysAreReadAtTheirOwnOffsets() throws IOException {
        Path original = TestData.file("models/stories260K/stories260K.bin");
        Checkpoint shared = Llama2cCheckpoint.read(original);
        Tensor embed = shared.weights().get("model.embed_tokens.weight");
        Tensor classifier = embed.mul(-0.5).add(0.25);
        byte[] b = Files.readAllBytes(original);
        ByteBuffer head = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(20, -head.getInt(20));
        ByteBuffer wcls = ByteBuffer.allocate(4 * classifier.numel()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : classifier.toFloatArray()) wcls.putFloat(v);
        Path unshared = dir.resolve("unshared.bin");
        Files.write(unshared, b);
        Files.write(unshared, wcls.array(), StandardOpenOption.APPEND);
        Checkpoint c = Llama2cCheckpoint.read(unshared);
        assertFalse(c.config().tiedEmbeddings());
        assertEquals(0, classifier.maxAbsDiff(c.weights().get("lm_head.weight")));
        for (Map.Entry<String, Tensor> e : shared.weights().entrySet()) {
            assertEquals(0, e.getValue().maxAbsDiff(c.weights().get(e.getKey())), e.getKey());
        }
    }

    /**
     * Copies a GGUF file with its data section moved {@link #SHIFT} bytes further: every tensor's offset
     * field grows by SHIFT and the gap stays a hole. Returns the data section's original start.
     */
    private static long writeShifted(Path original, Path target) throws IOException {
        GgufCheckpoint.Header h = GgufCheckpoint.header(original);
        byte[] b = Files.readAllBytes(original);
        ByteBuffer header = ByteBuffer.wrap(b, 0, (int) h.dataStart()).order(ByteOrder.LITTLE_ENDIAN);
        boolean v1 = h.version() == 1;
        for (GgufCheckpoint.TensorInfo t : h.tensors().values()) {
            int at = offsetField(b, (int) h.dataStart(), t, v1);
            assertEquals(t.offset(), header.getLong(at), t.name());
            header.putLong(at, t.offset() + SHIFT);
        }
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            f.write(b, 0, (int) h.dataStart());
            f.seek(h.dataStart() + SHIFT);
            f.write(b, (int) h.dataStart(), b.length - (int) h.dataStart());
        }
        return h.dataStart();
    }

    /** The position of tensor {@code t}'s offset field: after its length-prefixed name, dimension count, dims and type. */
    private static int offsetField(byte[] b, int end, GgufCheckpoint.TensorInfo t, boolean v1) {
        return after(b, end, prefixed(t.name(), v1)) + 4 + t.dims().length * (v1 ? 4 : 8) + 4;
    }

    /** {@code s} as GGUF stores it: its UTF-8 length (u32 in version 1, u64 after), then the bytes. */
    private static byte[] prefixed(String s, boolean v1) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((v1 ? 4 : 8) + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        if (v1) b.putInt(bytes.length);
        else b.putLong(bytes.length);
        return b.put(bytes).array();
    }

    /** The position just after the last occurrence of {@code needle} in {@code b} before {@code end}. */
    private static int after(byte[] b, int end, byte[] needle) {
        for (int i = end - needle.length; i >= 0; i--) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) return i + needle.length;
        }
        throw new AssertionError(new String(needle, StandardCharsets.UTF_8).trim() + " not found");
    }

    /** Skips the test where the temporary directory cannot hold sparse files (fails instead under {@code CI=true}). */
    private void requireSparseFiles() throws IOException {
        Path probe = dir.resolve("probe");
        try (RandomAccessFile f = new RandomAccessFile(probe.toFile(), "rw")) {
            f.seek(256L << 20);
            f.write(1);
        }
        long used = diskKiB(probe);
        Files.delete(probe);
        if (used >= 0 && used < 1024) return;
        String msg = "the file system under " + dir + " does not keep sparse files sparse (a 256 MiB probe took " + used
                + " KiB)";
        if ("true".equals(System.getenv("CI"))) Assertions.fail(msg);
        Assumptions.abort(msg);
    }

    /** Disk space the file takes, in KiB, as {@code du -k} reports it; -1 if that cannot be found out. */
    private static long diskKiB(Path file) {
        try {
            Process p = new ProcessBuilder("du", "-k", file.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) return -1;
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

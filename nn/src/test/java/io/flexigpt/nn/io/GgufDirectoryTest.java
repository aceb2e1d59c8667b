package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GGUF tensor directory is validated: offsets aligned, tensors tiling the data section without overlap or
 * gaps (so a changed type or dims shows), and exactly the llama tensor names (no aliases, duplicates or extra layers).
 */
class GgufDirectoryTest {
    @TempDir
    Path dir;

    byte[] original;
    GgufCheckpoint.Header header;

    @BeforeEach
    void load() throws IOException {
        Path file = TestData.file("models/stories260K/stories260K-f16.gguf");
        original = Files.readAllBytes(file);
        header = GgufCheckpoint.header(file);
        assertEquals(3, header.version());
    }

    /** Byte position of the tensor-info entry of {@code name} (its u64 length prefix), version 3 layout. */
    private int infoOf(byte[] b, String name) {
        byte[] key = ByteBuffer.allocate(8 + name.length())
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(name.length())
                .put(name.getBytes(StandardCharsets.UTF_8))
                .array();
        outer:
        for (int i = (int) header.dataStart() - key.length; i >= 0; i--) {
            for (int k = 0; k < key.length; k++) if (b[i + k] != key[k]) continue outer;
            return i;
        }
        throw new AssertionError("no tensor info for " + name);
    }

    private int typeAt(byte[] b, String name) {
        int at = infoOf(b, name) + 8 + name.length();
        int dims = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
        return at + 4 + 8 * dims;
    }

    private FormatException rejected(byte[] b) throws IOException {
        Path p = dir.resolve("m.gguf");
        Files.write(p, b);
        FormatException e = assertThrows(FormatException.class, () -> GgufCheckpoint.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        return e;
    }

    private static void assertContains(FormatException e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' in " + e.getMessage());
    }

    @Test
    void theUnchangedFileLoads() throws IOException {
        Path p = dir.resolve("m.gguf");
        Files.write(p, original);
        assertEquals(5, GgufCheckpoint.read(p).config().nLayers());
    }

    @Test
    void aMisalignedOffsetIsRejected() throws IOException {
        byte[] b = original.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int offsetAt = typeAt(b, "blk.2.attn_k.weight") + 4;
        buf.putLong(offsetAt, buf.getLong(offsetAt) + 2);
        assertContains(rejected(b), "'blk.2.attn_k.weight'", "general.alignment 32");
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        byte[] b = original.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long first = buf.getLong(typeAt(b, "blk.1.attn_q.weight") + 4);
        buf.putLong(typeAt(b, "blk.1.attn_k.weight") + 4, first);
        assertContains(rejected(b), "overlap");
    }

    @Test
    void aTypeChangeThatStillFitsIsRejected() throws IOException {
        for (GgufCheckpoint.TensorInfo t : header.tensors().values()) {
            if (t.type() != 0 && t.type() != 1) continue;
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt(b, t.name()), t.type() == 0 ? 1 : 0);
            assertContains(rejected(b), "'" + t.name() + "'");
        }
    }

    @Test
    void anAliasedLayerNameIsRejected() throws IOException {
        String name = "blk.0.attn_q.weight", alias = "blk.00.attn_q.weight";
        int at = infoOf(original, name), padding = (int) header.dataStart() - 1;
        assertEquals(0, original[padding], "the header ends in alignment padding");
        byte[] b = new byte[original.length];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(original, 0, at).putLong(alias.length()).put(alias.getBytes(StandardCharsets.UTF_8));
        int rest = at + 8 + name.length();
        buf.put(original, rest, padding - rest).put(original, padding + 1, original.length - padding - 1);
        assertContains(rejected(b), "'blk.00.attn_q.weight'");
    }

    @Test
    void aLayerBeyondTheBlockCountAndADuplicateAreRejected() throws IOException {
        byte[] beyond = original.clone();
        System.arraycopy(
                "blk.7.".getBytes(StandardCharsets.UTF_8), 0, beyond, infoOf(beyond, "blk.4.ffn_up.weight") + 8, 6);
        assertContains(rejected(beyond), "'blk.7.ffn_up.weight'", "5-block");
        byte[] duplicate = original.clone();
        System.arraycopy(
                "blk.2.".getBytes(StandardCharsets.UTF_8),
                0,
                duplicate,
                infoOf(duplicate, "blk.3.ffn_up.weight") + 8,
                6);
        assertContains(rejected(duplicate), "'blk.2.ffn_up.weight'");
    }
}

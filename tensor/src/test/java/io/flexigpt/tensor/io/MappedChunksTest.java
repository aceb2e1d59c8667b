package io.flexigpt.tensor.io;

import static io.flexigpt.tensor.testing.SeededTheory.holds;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link MappedChunks} splits a range into chunks of whole records and decodes it the same whatever the
 * chunk size: here chunks of a few bytes stand in for the 1 GiB mappings of real checkpoints, so every
 * range crosses many chunk boundaries.
 */
class MappedChunksTest {
    @Test
    void anyChunkSizeGivesTheSameValues() {
        record Case(StoredType type, int n, int offset, int chunkBytes, long seed) {}
        Gen<Case> cases = in -> new Case(
                arbitrary().enumValues(StoredType.class).generate(in),
                integers().between(1, 300).generate(in),
                integers().between(0, 37).generate(in),
                integers().between(4, 64).generate(in),
                longs().all().generate(in));
        qt(60).forAll(cases)
                .checkAssert(c -> holds(
                        () -> anyChunkSizeGivesTheSameValues(c.type(), c.n(), c.offset(), c.chunkBytes(), c.seed())));
    }

    private void anyChunkSizeGivesTheSameValues(StoredType type, int n, int offset, int chunkBytes, long seed)
            throws IOException {
        Random rnd = new Random(seed);
        float[] values = new float[n];
        ByteBuffer bytes = ByteBuffer.allocate(offset + n * type.bytes() + 5).order(ByteOrder.LITTLE_ENDIAN);
        bytes.position(offset);
        for (int i = 0; i < n; i++) {
            float f = (float) rnd.nextGaussian();
            switch (type) {
                case F32 -> bytes.putFloat(values[i] = f);
                case F16 -> values[i] = HalfFloats.f16ToF32(put(bytes, HalfFloats.f32ToF16(f)));
                case BF16 -> values[i] = HalfFloats.bf16ToF32(put(bytes, HalfFloats.f32ToBf16(f)));
            }
        }
        Path file = Files.createTempFile("chunks", ".bin");
        try {
            Files.write(file, bytes.array());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                assertArrayEquals(values, MappedChunks.floats(ch, offset, n, type, chunkBytes));
                assertArrayEquals(values, MappedChunks.floats(ch, offset, n, type));
                int[] seen = {0};
                MappedChunks.forEach(ch, offset, n, type.bytes(), chunkBytes, (chunk, first, count) -> {
                    assertEquals(seen[0], first, "chunks arrive in order, without gaps");
                    assertEquals(count * type.bytes(), chunk.remaining(), "whole records only");
                    assertTrue(count * type.bytes() <= chunkBytes);
                    seen[0] += count;
                });
                assertEquals(n, seen[0]);
            }
        } finally {
            Files.delete(file);
        }
    }

    private static short put(ByteBuffer b, short s) {
        b.putShort(s);
        return s;
    }
}

package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates each real checkpoint format (truncation, byte flips, header field edits) and checks that
 * loading either succeeds or throws a {@link FormatException} naming the file — never anything else.
 */
class CheckpointFuzzTest {
    @TempDir
    Path dir;

    interface Loader {
        void load(Path p) throws IOException;
    }

    private void fuzz(byte[] original, int headerBytes, int cases, long seed, String name, Loader loader)
            throws IOException {
        Random r = new Random(seed);
        Path target = dir.resolve(name);
        int rejected = 0;
        for (int i = 0; i < cases; i++) {
            byte[] b = original.clone();
            switch (r.nextInt(4)) {
                case 0:
                    b = java.util.Arrays.copyOf(original, r.nextInt(original.length));
                    break;
                case 1:
                    for (int k = 0; k < 1 + r.nextInt(3); k++)
                        b[r.nextInt(Math.min(headerBytes, b.length))] ^= (byte) (1 << r.nextInt(8));
                    break;
                case 2: {
                    int at = r.nextInt(Math.max(1, Math.min(headerBytes, b.length) - 8)) & ~3;
                    ByteBuffer.wrap(b)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(at, r.nextBoolean() ? -r.nextInt(1000) : r.nextInt());
                    break;
                }
                default:
                    b[r.nextInt(b.length)] ^= (byte) r.nextInt(256);
            }
            Files.write(target, b);
            try {
                loader.load(target);
            } catch (FormatException e) {
                assertTrue(
                        e.getMessage().contains(target.toString())
                                || e.getMessage().startsWith(target.getParent().toString() + ":"),
                        "message names the file (or its model directory): " + e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail(name + " case " + i + " escaped with " + t, t);
            }
        }
        assertTrue(rejected > cases / 4, name + ": only " + rejected + " of " + cases + " mutations rejected");
    }

    @Test
    void llama2cCheckpoints() throws IOException {
        fuzz(
                Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin")),
                28,
                700,
                1,
                "fuzz.bin",
                Llama2cCheckpoint::read);
    }

    @Test
    void ggufVersion1AndVersion3() throws IOException {
        fuzz(
                Files.readAllBytes(TestData.file("models/stories260K/tinyllamas-stories-260k-f32.gguf")),
                11_456,
                600,
                2,
                "fuzz1.gguf",
                GgufCheckpoint::read);
        fuzz(
                Files.readAllBytes(TestData.file("models/stories260K/stories260K-q8_0.gguf")),
                11_000,
                500,
                3,
                "fuzz3.gguf",
                GgufCheckpoint::read);
    }

    @Test
    void huggingFaceDirectories() throws IOException {
        Path hf = dir.resolve("hf");
        Files.createDirectories(hf);
        byte[] config = Files.readAllBytes(TestData.file("models/stories260K-hf/config.json"));
        byte[] model = Files.readAllBytes(TestData.file("models/stories260K-hf-bf16/model.safetensors"));
        int header =
                8 + (int) ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Files.write(hf.resolve("config.json"), config);
        fuzz(model, header, 400, 4, "hf/model.safetensors", p -> HfCheckpoint.read(p.getParent()));
        Files.write(hf.resolve("model.safetensors"), model);
        fuzz(config, config.length, 300, 5, "hf/config.json", p -> HfCheckpoint.read(p.getParent()));
    }

    @Test
    void absurdHeadersFailClearlyWithoutAllocating() throws IOException {
        byte[] b = Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1 << 30);
        Path p = dir.resolve("absurd.bin");
        Files.write(p, b);
        FormatException e = assertThrows(FormatException.class, () -> Llama2cCheckpoint.read(p));
        assertTrue(e.getMessage().contains("absurd.bin") && e.getMessage().contains("dim"), e.getMessage());
    }
}

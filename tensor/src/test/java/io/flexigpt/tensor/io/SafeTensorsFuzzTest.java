package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutations of valid files: whatever a hostile file does, only {@link FormatException} may escape. */
class SafeTensorsFuzzTest {
    private static final int CASES = 5000;
    private static final String[] EDITS = {
        "F32",
        "F16",
        "BF16",
        "I64",
        "U8",
        "XX",
        "\"shape\"",
        "\"dtype\"",
        "\"data_offsets\"",
        "__metadata__",
        "[4,3]",
        "[3,4]",
        "[0]",
        "[]",
        "[99999999999]",
        "[-1]",
        "[1e3]",
        "12",
        "-1",
        "48",
        "0",
        "24",
        "2147483648",
        "9223372036854775807",
        "\"",
        "{",
        "}",
        "]",
        ",",
        ":",
        "null",
        "1.5",
    };

    @TempDir
    Path dir;

    @Test
    void mutatedFilesOnlyEverThrowFormatException() throws IOException {
        byte[][] originals = {f32File(), mixedFile()};
        Random r = new Random(42);
        Path mutated = dir.resolve("mutated.safetensors");
        int loaded = 0, rejected = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] original = originals[i % 2];
            int headerEnd = 8
                    + (int) ByteBuffer.wrap(original)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .getLong();
            int kind = r.nextInt(6);
            Files.write(mutated, mutate(kind, original, headerEnd, r));
            try (SafeTensorsFile f = SafeTensorsFile.open(mutated)) {
                for (String n : f.names()) {
                    if (!f.info(n).dtype().equals("I64")) f.load(n);
                }
                loaded++;
            } catch (FormatException expected) {
                assertTrue(expected.getMessage().startsWith(mutated.toString()), expected.getMessage());
                assertNotEquals(
                        2, kind, "a flip in the data section must not make the file invalid: " + expected.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("case " + i + " (mutation " + kind + ") escaped with " + t, t);
            }
        }
        assertTrue(loaded > 500 && rejected > 2000, "loaded " + loaded + ", rejected " + rejected);
    }

    private byte[] f32File() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorGens.random(1, 4, 3));
        tensors.put("b", TensorGens.random(2, 3));
        tensors.put("s", TensorGens.random(3));
        Path valid = dir.resolve("valid.safetensors");
        SafeTensorsWriter.write(valid, tensors, Map.of("k", "v"), StoredType.F32);
        return Files.readAllBytes(valid);
    }

    /** BF16, F16 and I64 tensors, one of them empty, not in offset order. */
    private static byte[] mixedFile() {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"e\":{\"dtype\":\"BF16\",\"shape\":[0,4],\"data_offsets\":[22,22]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[22,26]},\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 26).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putLong(7).putLong(-3);
        b.putShort((short) 0x3C00)
                .putShort((short) 0xC000)
                .putShort((short) 0x7BFF)
                .putShort((short) 0x3F80)
                .putShort((short) 0xBF00);
        return b.array();
    }

    private static byte[] mutate(int kind, byte[] original, int headerEnd, Random r) {
        switch (kind) {
            case 0:
                return Arrays.copyOf(original, r.nextInt(original.length));
            case 1: {
                byte[] b = original.clone();
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) b[r.nextInt(headerEnd)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 2: {
                byte[] b = original.clone();
                b[headerEnd + r.nextInt(b.length - headerEnd)] ^= (byte) (1 + r.nextInt(255));
                return b;
            }
            case 3:
            case 4: {
                String h = new String(original, 8, headerEnd - 8, StandardCharsets.UTF_8);
                int edits = 1 + r.nextInt(2);
                for (int k = 0; k < edits; k++) {
                    String from = EDITS[r.nextInt(EDITS.length)], to = EDITS[r.nextInt(EDITS.length)];
                    h = h.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
                }
                byte[] hb = h.getBytes(StandardCharsets.UTF_8);
                int dataBytes = original.length - headerEnd + (kind == 4 ? r.nextInt(9) - 4 : 0);
                ByteBuffer b = ByteBuffer.allocate(8 + hb.length + Math.max(0, dataBytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(hb.length)
                        .put(hb)
                        .put(original, headerEnd, Math.min(Math.max(0, dataBytes), original.length - headerEnd));
                return b.array();
            }
            default: {
                byte[] b = original.clone();
                long length = r.nextBoolean() ? r.nextLong() >>> r.nextInt(64) : headerEnd - 8 + r.nextInt(17) - 8;
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                return b;
            }
        }
    }
}

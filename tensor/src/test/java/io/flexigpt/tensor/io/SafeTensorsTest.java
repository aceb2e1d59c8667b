package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorArbitraries;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Property(tries = 60)
    void roundTripForEveryStoredType(@ForAll("shapes") int[] shape, @ForAll long seed, @ForAll StoredType type) throws IOException {
        Path file = Files.createTempFile("round", ".safetensors");
        try {
            Tensor a = TensorArbitraries.random(seed, shape), b = TensorArbitraries.random(seed + 1, 3);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("a", a);
            in.put("b.weight", b);
            SafeTensorsWriter.write(file, in, Map.of("format", "pt"), type);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertEquals(List.of("a", "b.weight"), f.names());
                assertEquals("pt", f.metadata().get("format"));
                for (Map.Entry<String, Tensor> e : in.entrySet()) {
                    Tensor back = f.load(e.getKey());
                    assertArrayEquals(e.getValue().shape(), back.shape());
                    double tol = type == StoredType.F32 ? 0 : type == StoredType.F16 ? 2e-3 : 8e-3;
                    assertTrue(back.allClose(e.getValue(), 1e-7, tol), type + " " + e.getKey());
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorArbitraries.shapes(0, 3, 5);
    }

    @Test
    void readsTheRealStories260KFilesAndBf16IsTheRoundedF32() throws IOException {
        try (SafeTensorsFile f32 = SafeTensorsFile.open(TestData.file("models/stories260K-hf/model.safetensors"));
             SafeTensorsFile bf16 = SafeTensorsFile.open(TestData.file("models/stories260K-hf-bf16/model.safetensors"))) {
            assertEquals(48 - 1, f32.names().size()); // no lm_head: tied
            assertArrayEquals(new int[] {512, 64}, f32.entry("model.embed_tokens.weight").shape());
            assertArrayEquals(new int[] {32, 64}, f32.entry("model.layers.4.self_attn.k_proj.weight").shape());
            assertArrayEquals(new int[] {172, 64}, f32.entry("model.layers.0.mlp.gate_proj.weight").shape());
            assertEquals(f32.names(), bf16.names());
            for (String name : f32.names()) {
                assertEquals("BF16", bf16.entry(name).dtype());
                float[] a = f32.load(name).toFloatArray(), b = bf16.load(name).toFloatArray();
                for (int i = 0; i < a.length; i++) assertEquals(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(a[i])), b[i], name);
            }
        }
    }

    @Test
    void hostileHeadersGiveClearErrors() throws IOException {
        assertBad(raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'Q4'");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "do not hold shape");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 4), "outside the data section");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8), "overlap");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "duplicate key");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "dimension 0");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4), "more than");
        assertBad(raw("not json", 0), "line 1");
        Path big = dir.resolve("big.safetensors");
        Files.write(big, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertBad(big, "header length");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertBad(tiny, "too short");
    }

    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void assertBad(Path p, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> {
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                for (String n : f.names()) f.load(n);
            }
        });
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(expected), e.getMessage());
    }

    /** Mutations of a valid file: only FormatException may escape, and unmutated-enough files still load. */
    @Test
    void fuzzedFilesOnlyEverThrowFormatException() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorArbitraries.random(1, 4, 3));
        tensors.put("b", TensorArbitraries.random(2, 3));
        tensors.put("s", TensorArbitraries.random(3));
        Path valid = dir.resolve("valid.safetensors");
        SafeTensorsWriter.write(valid, tensors, Map.of("k", "v"), StoredType.F32);
        byte[] original = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Random r = new Random(42);
        Path mutated = dir.resolve("mutated.safetensors");
        int loaded = 0, rejected = 0;
        for (int i = 0; i < 6000; i++) {
            byte[] b = mutate(original, headerEnd, r);
            Files.write(mutated, b);
            try (SafeTensorsFile f = SafeTensorsFile.open(mutated)) {
                for (String n : f.names()) f.load(n);
                loaded++;
            } catch (FormatException expected) {
                assertTrue(expected.getMessage().contains(mutated.toString()), expected.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("case " + i + " escaped with " + t, t);
            }
        }
        assertTrue(loaded > 100 && rejected > 1000, "loaded " + loaded + ", rejected " + rejected);
    }

    private static byte[] mutate(byte[] original, int headerEnd, Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return java.util.Arrays.copyOf(original, r.nextInt(original.length));
            case 1: {
                byte[] b = original.clone();
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) b[r.nextInt(headerEnd)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 2: {
                byte[] b = original.clone();
                b[headerEnd + r.nextInt(b.length - headerEnd)] ^= (byte) r.nextInt(256);
                return b; // data bytes: must still load
            }
            case 3: {
                String h = new String(original, 8, headerEnd - 8, StandardCharsets.UTF_8);
                String[] edits = {"F32", "F16", "BF16", "I64", "XX", "[4,3]", "[3,4]", "[0]", "[99999999999]", "12", "-1", "48", "0", "\"", "{", "]"};
                String from = edits[r.nextInt(edits.length)], to = edits[r.nextInt(edits.length)];
                h = h.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
                byte[] hb = h.getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(8 + hb.length + original.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(hb.length).put(hb).put(original, headerEnd, original.length - headerEnd);
                return b.array();
            }
            default: {
                byte[] b = original.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, r.nextLong() >>> r.nextInt(64));
                return b;
            }
        }
    }
}

package io.flexigpt.tensor.io;

import static io.flexigpt.tensor.testing.SeededTheory.holds;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripForEveryStoredType() {
        record Case(int[] shape, int layout, long seed, StoredType type) {}
        Gen<Case> cases = in -> new Case(
                shapes().generate(in),
                layouts().generate(in),
                longs().all().generate(in),
                arbitrary().enumValues(StoredType.class).generate(in));
        qt(100).forAll(cases)
                .checkAssert(c -> holds(() -> roundTripForEveryStoredType(c.shape(), c.layout(), c.seed(), c.type())));
    }

    private void roundTripForEveryStoredType(int[] shape, int layout, long seed, StoredType type) throws IOException {
        Path file = Files.createTempFile("round", ".safetensors");
        try {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("z.first", TensorGens.withLayout(seed, layout, shape));
            in.put("scalar", Tensor.scalar(-0.3f));
            in.put("one", TensorGens.random(seed + 1, 1));
            in.put("empty", Tensor.of(new float[0], 0, 3));
            in.put("a.weight", TensorGens.random(seed + 2, 3, 2));
            SafeTensorsWriter.write(file, in, Map.of("format", "pt"), type);
            byte[] bytes = Files.readAllBytes(file);
            long headerLength =
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLength % 8);
            String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
            assertTrue(
                    header.stripTrailing().endsWith("}")
                            && header.length() - header.stripTrailing().length() < 8,
                    header);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertEquals(List.copyOf(in.keySet()), f.names());
                assertEquals(Map.of("format", "pt"), f.metadata());
                for (Map.Entry<String, Tensor> e : in.entrySet()) {
                    Tensor back = f.load(e.getKey());
                    assertEquals(type.name(), f.info(e.getKey()).dtype());
                    assertArrayEquals(e.getValue().shape(), back.shape());
                    float[] want = e.getValue().toFloatArray(), got = back.toFloatArray();
                    for (int i = 0; i < want.length; i++)
                        assertEquals(stored(want[i], type), got[i], type + " " + e.getKey() + "[" + i + "]");
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static float stored(float x, StoredType type) {
        return switch (type) {
            case F32 -> x;
            case F16 -> HalfFloats.f16ToF32(HalfFloats.f32ToF16(x));
            case BF16 -> HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(x));
        };
    }

    static Gen<int[]> shapes() {
        return TensorGens.shapes(0, 4, 5);
    }

    static Gen<Integer> layouts() {
        return integers().between(0, 2);
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("sub/model.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", Tensor.ones(2)), null, StoredType.F32);
        SafeTensorsWriter.write(file, Map.of("b", Tensor.full(3f, 4)), Map.of(), StoredType.BF16);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(List.of("b"), f.names());
            assertEquals(Map.of(), f.metadata());
            assertEquals(new SafeTensorsFile.TensorInfo("BF16", new int[] {4}, 0, 8), f.info("b"));
            assertArrayEquals(new float[] {3, 3, 3, 3}, f.load("b").toFloatArray());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(file, Map.of("__metadata__", Tensor.ones(1)), null, StoredType.F32));
    }

    @Test
    void readsTheRealStories260KFiles() throws IOException {
        Path hf = TestData.file("models/stories260K-hf/model.safetensors");
        Path bin = TestData.file("models/stories260K/stories260K.bin");
        try (SafeTensorsFile f32 = SafeTensorsFile.open(hf);
                SafeTensorsFile bf16 =
                        SafeTensorsFile.open(TestData.file("models/stories260K-hf-bf16/model.safetensors"))) {
            assertEquals(1 + 5 * 9 + 1, f32.names().size()); // embedding, 5 blocks of 9, final norm; lm_head is tied
            assertFalse(f32.contains("lm_head.weight"));
            assertShape(f32, "model.embed_tokens.weight", 512, 64);
            assertShape(f32, "model.norm.weight", 64);
            for (int l = 0; l < 5; l++) {
                String p = "model.layers." + l + ".";
                assertShape(f32, p + "input_layernorm.weight", 64);
                assertShape(f32, p + "post_attention_layernorm.weight", 64);
                assertShape(f32, p + "self_attn.q_proj.weight", 64, 64);
                assertShape(f32, p + "self_attn.k_proj.weight", 32, 64);
                assertShape(f32, p + "self_attn.v_proj.weight", 32, 64);
                assertShape(f32, p + "self_attn.o_proj.weight", 64, 64);
                assertShape(f32, p + "mlp.gate_proj.weight", 172, 64);
                assertShape(f32, p + "mlp.up_proj.weight", 172, 64);
                assertShape(f32, p + "mlp.down_proj.weight", 64, 172);
            }
            // the embedding and the first attention norms are stored unpermuted in the llama2.c checkpoint
            ByteBuffer legacy = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
            float[] embedding = f32.load("model.embed_tokens.weight").toFloatArray();
            for (int i = 0; i < embedding.length; i++) assertEquals(legacy.getFloat(28 + 4 * i), embedding[i]);
            float[] norm0 = f32.load("model.layers.0.input_layernorm.weight").toFloatArray();
            for (int i = 0; i < 64; i++) assertEquals(legacy.getFloat(28 + 4 * (512 * 64 + i)), norm0[i]);

            assertEquals(f32.names(), bf16.names());
            for (String name : f32.names()) {
                assertEquals("F32", f32.info(name).dtype());
                assertEquals("BF16", bf16.info(name).dtype());
                float[] a = f32.load(name).toFloatArray(), b = bf16.load(name).toFloatArray();
                for (int i = 0; i < a.length; i++)
                    assertEquals(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(a[i])), b[i], name);
            }
            FormatException e = assertThrows(FormatException.class, () -> f32.load("lm_head.weight"));
            assertEquals(hf + ": no tensor named 'lm_head.weight' among its 47 tensors", e.getMessage());
        }
    }

    @Test
    void theShardsHoldTheSameTensors() throws IOException {
        try (SafeTensorsFile whole = SafeTensorsFile.open(TestData.file("models/stories260K-hf/model.safetensors"));
                SafeTensorsFile a = SafeTensorsFile.open(
                        TestData.file("models/stories260K-hf-sharded/model-00001-of-00002.safetensors"));
                SafeTensorsFile b = SafeTensorsFile.open(
                        TestData.file("models/stories260K-hf-sharded/model-00002-of-00002.safetensors"))) {
            assertEquals(whole.names().size(), a.names().size() + b.names().size());
            for (String name : whole.names()) {
                SafeTensorsFile shard = a.contains(name) ? a : b;
                assertArrayEquals(
                        whole.load(name).toFloatArray(), shard.load(name).toFloatArray(), name);
            }
        }
    }

    private static void assertShape(SafeTensorsFile f, String name, int... shape) throws FormatException {
        assertArrayEquals(shape, f.info(name).shape(), name);
    }

    @Test
    void otherDtypesAreListedButNotLoaded() throws IOException {
        Path p = raw(
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},\"h\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[16,18]}}",
                new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x3C});
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.of("ids", "h"), f.names());
            assertEquals(1f, f.load("h").item());
            assertEquals(
                    p + ": tensor 'ids' has dtype I64; only F32, F16 and BF16 can be loaded",
                    assertThrows(FormatException.class, () -> f.load("ids")).getMessage());
            f.close();
            assertThrows(IllegalStateException.class, () -> f.load("h"));
        }
    }

    @Test
    void hostileHeadersGiveClearErrors() throws IOException {
        String one = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertBad(
                raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': unknown dtype 'Q4'");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': 4 bytes at file byte ");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 4),
                "tensor 'a': data_offsets [0, 8] end beyond the data section");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4),
                "must satisfy 0 <= begin <= end");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
                "must satisfy 0 <= begin <= end");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", 4),
                "data_offsets must be two integers [begin, end], found [0,4.0]");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,9223372036854775807]}}", 4),
                "end beyond the data section");
        assertBad(
                raw("{\"a\":" + one + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8),
                "tensors 'a' and 'b' overlap at file bytes");
        assertBad(
                raw("{\"a\":" + one + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
                "bytes ",
                "before tensor 'b' belong to no tensor");
        assertBad(raw("{\"a\":" + one + "}", 8), "after the last tensor belong to no tensor");
        assertBad(raw("{\"a\":" + one + ",\"a\":" + one + "}", 4), "duplicate key \"a\"");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': dimension 0 of the shape is -1");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                "dimension 0 of the shape is 1.5");
        assertBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}}", 4), "dimension 0");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4),
                "has more than 2147483647 elements");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4),
                "9 dimensions");
        assertBad(
                raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                "unexpected field 'x'");
        assertBad(raw("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'a': missing key 'dtype'");
        assertBad(raw("{\"a\":[1]}", 4), "tensor 'a' must be a JSON object, found an array");
        assertBad(raw("[1]", 4), "the header must be a JSON object");
        assertBad(raw("{\"__metadata__\":{\"k\":1}}", 0), "metadata 'k' must be a string, found long 1");
        assertBad(raw("{\"__metadata__\":[]}", 0), "__metadata__ must be a JSON object");
        assertBad(raw("not json", 0), "header (from byte 8): line 1, column 1, at $: Unrecognized token 'not'");
        assertBad(raw("{\"a\":" + one + "} x", 4), "line 1, column ", "after the JSON value");
        Path invalidUtf8 = raw("{\"\u00e9\":1}", 0);
        byte[] bytes = Files.readAllBytes(invalidUtf8);
        bytes[11] = (byte) 0xFF;
        Files.write(invalidUtf8, bytes);
        assertBad(invalidUtf8, "is not valid UTF-8");
        Path big = dir.resolve("big.safetensors");
        Files.write(
                big,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1L << 40)
                        .array());
        assertBad(big, "byte 0: header length 1099511627776 is impossible for a file of 16 bytes");
        Files.write(
                big,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(-1)
                        .array());
        assertBad(big, "header length 18446744073709551615");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertBad(tiny, "3 bytes is too short");
    }

    private Path raw(String header, int dataBytes) throws IOException {
        return raw(header, new byte[dataBytes]);
    }

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void assertBad(Path p, String... expected) {
        FormatException e = assertThrows(FormatException.class, () -> {
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                for (String n : f.names()) f.load(n);
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        for (String s : expected) assertTrue(e.getMessage().contains(s), e.getMessage());
    }
}

package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.nn.tokenizer.HfTokenizer;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware mutants of every format, with fixed seeds: GGUF tensor directories (offsets, types, dims),
 * NaN and infinity injected into the weights of llama2.c, GGUF and Hugging Face files, JSON nulls, wrong types
 * and huge ids in config.json and tokenizer.json, and absurd lengths and ids in tokenizer.bin. Each mutant either
 * loads (with finite weights) or fails with a {@link FormatException} naming the file; nothing else escapes
 * (no NullPointerException, ClassCastException, OutOfMemoryError). Each class must be rejected many times.
 */
class StructuredFuzzTest {
    @TempDir
    Path dir;

    interface Load {
        Object load(Path p) throws IOException;
    }

    /** Writes each mutant to {@code target}, loads it, checks the outcome; returns how many were rejected. */
    private int run(String what, Path target, List<byte[]> mutants, Path named, Load load) throws IOException {
        int rejected = 0;
        for (int i = 0; i < mutants.size(); i++) {
            Files.write(target, mutants.get(i));
            try {
                Object loaded = load.load(target);
                if (loaded instanceof Checkpoint c) {
                    for (Map.Entry<String, Tensor> e : c.weights().entrySet())
                        assertTrue(
                                e.getValue().isFinite(),
                                what + " mutant " + i + ": " + e.getKey() + " loaded non-finite");
                }
            } catch (FormatException e) {
                assertTrue(
                        e.getMessage().contains(named.toString()),
                        what + " mutant " + i + ": message names " + named + ": " + e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail(what + " mutant " + i + " escaped with " + t, t);
            }
        }
        return rejected;
    }

    // ------------------------------------------------------------------ binary mutants

    private static byte[] nanAt(byte[] original, int at, boolean half) {
        byte[] b = original.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (half)
            buf.putShort(at, (short) (at % 4 == 0 ? 0x7FC0 : 0xFF80)); // bf16 NaN or -Inf (also F16 NaN/-Inf patterns)
        else buf.putFloat(at, at % 8 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY);
        return b;
    }

    @Test
    void nanInjectionIntoEveryWeightFormat() throws IOException {
        Random r = new Random(41);
        byte[] bin = Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin"));
        ByteBuffer h = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
        long weightsEnd = 28 + 4L * h.getInt(20) * h.getInt(0); // end of the token embedding table
        List<byte[]> mutants = new ArrayList<>();
        for (int i = 0; i < 100; i++)
            mutants.add(nanAt(bin, 28 + 4 * r.nextInt((int) (weightsEnd - 28) / 4), false)); // the embedding
        for (int i = 0; i < 100; i++)
            mutants.add(nanAt(bin, 28 + 4 * r.nextInt((bin.length - 28) / 4), false)); // anywhere, rope tables included
        Path bad = dir.resolve("nan.bin");
        int rejected = run("llama2.c NaN", bad, mutants, bad, Llama2cCheckpoint::read);
        assertTrue(rejected >= 100 + 60, "llama2.c: " + rejected + " of 200 NaN mutants rejected");

        for (String name : new String[] {"tinyllamas-stories-260k-f32.gguf", "stories260K-f16.gguf"}) {
            Path original = TestData.file("models/stories260K/" + name);
            byte[] g = Files.readAllBytes(original);
            GgufCheckpoint.Header gh = GgufCheckpoint.header(original);
            boolean f16 = name.contains("f16");
            mutants.clear();
            List<GgufCheckpoint.TensorInfo> infos = new ArrayList<>(gh.tensors().values());
            for (int i = 0; i < 100; i++) {
                GgufCheckpoint.TensorInfo t = infos.get(r.nextInt(infos.size()));
                int width = t.type() == 0 ? 4 : 2;
                mutants.add(nanAt(
                        g,
                        (int) (gh.dataStart() + t.offset()) + width * r.nextInt((int) Math.min(t.elements(), 1 << 20)),
                        width == 2));
            }
            Path p = dir.resolve(name);
            int rej = run("GGUF NaN " + name, p, mutants, p, GgufCheckpoint::read);
            assertTrue(rej >= (f16 ? 60 : 100), name + ": " + rej + " of 100 NaN mutants rejected");
        }

        Path hf = dir.resolve("hf");
        Files.createDirectories(hf);
        Files.copy(TestData.file("models/stories260K-hf-bf16/config.json"), hf.resolve("config.json"));
        byte[] st = Files.readAllBytes(TestData.file("models/stories260K-hf-bf16/model.safetensors"));
        int header =
                8 + (int) ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong();
        mutants.clear();
        for (int i = 0; i < 100; i++) mutants.add(nanAt(st, header + 2 * r.nextInt((st.length - header) / 2), true));
        int rej = run(
                "HF NaN",
                hf.resolve("model.safetensors"),
                mutants,
                hf.resolve("model.safetensors"),
                p -> HfCheckpoint.read(p.getParent()));
        assertTrue(rej >= 90, "HF bf16: " + rej + " of 100 NaN mutants rejected");
    }

    @Test
    void ggufTensorDirectoryMutants() throws IOException {
        Random r = new Random(42);
        Path original = TestData.file("models/stories260K/stories260K-q8_0.gguf");
        byte[] g = Files.readAllBytes(original);
        GgufCheckpoint.Header h = GgufCheckpoint.header(original);
        List<String> names = new ArrayList<>(h.tensors().keySet());
        List<byte[]> mutants = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] b = g.clone();
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            String name = names.get(r.nextInt(names.size()));
            int info = infoOf(b, name, (int) h.dataStart());
            int dimsAt = info + 8 + name.length() + 4,
                    nDims = buf.getInt(info + 8 + name.length()),
                    typeAt = dimsAt + 8 * nDims,
                    offsetAt = typeAt + 4;
            switch (r.nextInt(6)) {
                case 0 ->
                    buf.putLong(
                            offsetAt,
                            buf.getLong(offsetAt)
                                    + (r.nextBoolean() ? 32L : 2L)
                                            * (r.nextBoolean() ? 1 : -1)); // shifted or misaligned
                case 1 ->
                    buf.putLong(
                            offsetAt,
                            h.tensors().get(names.get(r.nextInt(names.size()))).offset()); // another tensor's offset
                case 2 -> buf.putInt(typeAt, new int[] {0, 1, 8, 2, 30, -1}[r.nextInt(6)]); // another type
                case 3 ->
                    buf.putLong(
                            dimsAt + 8 * r.nextInt(nDims),
                            new long[] {32, 64, 1, 0, 1L << 40}[r.nextInt(5)]); // other dims
                case 4 -> { // an alias or foreign layer number of the same length
                    byte[] n = name.getBytes(StandardCharsets.UTF_8);
                    if (n.length > 5 && n[4] >= '0' && n[4] <= '9') n[4] = (byte) ('0' + r.nextInt(10));
                    else n[r.nextInt(n.length)] = (byte) ('a' + r.nextInt(26));
                    System.arraycopy(n, 0, b, info + 8, n.length);
                }
                default ->
                    buf.putLong(offsetAt, r.nextLong() & ((1L << r.nextInt(40)) - 1) & ~31L); // a random aligned offset
            }
            mutants.add(b);
        }
        Path p = dir.resolve("dir.gguf");
        int rejected = run("GGUF directory", p, mutants, p, GgufCheckpoint::read);
        assertTrue(rejected >= 300, rejected + " of 400 directory mutants rejected");
    }

    private static int infoOf(byte[] b, String name, int end) {
        byte[] key = ByteBuffer.allocate(8 + name.length())
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(name.length())
                .put(name.getBytes(StandardCharsets.UTF_8))
                .array();
        outer:
        for (int i = end - key.length; i >= 0; i--) {
            for (int k = 0; k < key.length; k++) if (b[i + k] != key[k]) continue outer;
            return i;
        }
        throw new AssertionError(name);
    }

    @Test
    void tokenizerBinMutants() throws IOException {
        Random r = new Random(43);
        byte[] tok = Files.readAllBytes(TestData.file("models/stories260K/tok512.bin"));
        List<byte[]> mutants = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            byte[] b = tok.clone();
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int at = r.nextInt(Math.min(b.length - 4, 4000));
            switch (r.nextInt(4)) {
                case 0 ->
                    buf.putInt(
                            0,
                            new int[] {0, -1, 2_000_000_000, Integer.MAX_VALUE, 1}[r.nextInt(5)]); // max token length
                case 1 ->
                    buf.putInt(
                            at,
                            new int[] {2_000_000_000, -7, Integer.MIN_VALUE, 65_536}
                                    [r.nextInt(4)]); // a token length, probably
                case 2 ->
                    buf.putFloat(
                            at,
                            new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}
                                    [r.nextInt(3)]); // a score, probably
                default -> b[at] = (byte) r.nextInt(256);
            }
            mutants.add(b);
        }
        Path p = dir.resolve("tok.bin");
        int rejected = run("tokenizer.bin", p, mutants, p, Llama2cTokenizer::load);
        assertTrue(rejected >= 200, rejected + " of 600 tokenizer.bin mutants rejected");
    }

    // ------------------------------------------------------------------ JSON mutants

    /** A copy of {@code root} with one node (chosen at random over the whole tree) replaced, removed or given a hostile value. */
    @SuppressWarnings("unchecked")
    static Object mutateJson(Object root, Random r) {
        Object copy = deepCopy(root);
        List<Object[]> slots = new ArrayList<>(); // {container, key-or-index}
        collect(copy, slots);
        Object[] slot = slots.get(r.nextInt(slots.size()));
        Object[] hostile = {
            null,
            2_000_000_000L,
            -1L,
            1e300,
            -0.0,
            "text",
            new ArrayList<>(),
            new LinkedHashMap<>(),
            true,
            4_294_967_296L
        };
        Object value = hostile[r.nextInt(hostile.length)];
        if (slot[0] instanceof Map<?, ?> m) {
            if (r.nextInt(5) == 0) ((Map<String, Object>) m).remove(slot[1]);
            else ((Map<String, Object>) m).put((String) slot[1], value);
        } else {
            ((List<Object>) slot[0]).set((Integer) slot[1], value);
        }
        return copy;
    }

    private static void collect(Object node, List<Object[]> slots) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                slots.add(new Object[] {m, e.getKey()});
                collect(e.getValue(), slots);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                slots.add(new Object[] {l, i});
                collect(l.get(i), slots);
            }
        }
    }

    private static Object deepCopy(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put((String) e.getKey(), deepCopy(e.getValue()));
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(deepCopy(o));
            return out;
        }
        return node;
    }

    private static List<byte[]> jsonMutants(Path file, int count, long seed) throws IOException {
        Object root = Json.parse(Files.readString(file), file.toString());
        Random r = new Random(seed);
        List<byte[]> mutants = new ArrayList<>();
        for (int i = 0; i < count; i++)
            mutants.add(Json.write(mutateJson(root, r)).getBytes(StandardCharsets.UTF_8));
        return mutants;
    }

    @Test
    void configJsonNullsWrongTypesAndHugeValues() throws IOException {
        Path hf = dir.resolve("hf");
        Files.createDirectories(hf);
        Files.copy(TestData.file("models/stories260K-hf/model.safetensors"), hf.resolve("model.safetensors"));
        Path config = hf.resolve("config.json");
        // a mutant that is valid JSON for another model is rejected by the weights' shapes, naming the directory
        int rejected = run(
                "config.json",
                config,
                jsonMutants(TestData.file("models/stories260K-hf/config.json"), 300, 44),
                hf,
                p -> HfCheckpoint.read(p.getParent()));
        assertTrue(rejected >= 150, rejected + " of 300 config.json mutants rejected");
    }

    @Test
    void tokenizerJsonNullsWrongTypesAndHugeIds() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        int rejected = run(
                "tokenizer.json",
                file,
                jsonMutants(TestData.file("models/stories260K-hf/tokenizer.json"), 500, 45),
                file,
                HfTokenizer::load);
        assertTrue(rejected >= 150, rejected + " of 500 tokenizer.json mutants rejected");
    }
}

package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every loader refuses a NaN or infinite weight, naming the file and the tensor. */
class NonFiniteWeightsTest {
    @TempDir
    Path dir;

    private static void assertRefused(Path file, String tensor, Executable load) {
        FormatException e = assertThrows(FormatException.class, load::run);
        assertTrue(
                e.getMessage().startsWith(file + ": tensor '" + tensor + "'")
                        && e.getMessage().contains("NaN or infinite"),
                e.getMessage());
    }

    interface Executable {
        void run() throws IOException;
    }

    @Test
    void llama2c() throws IOException {
        byte[] b = Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin"));
        int dim = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0),
                vocab = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            byte[] m = b.clone();
            ByteBuffer.wrap(m)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(28 + 4 * (vocab * dim + 3), bad); // first layer's attention norm
            Path p = dir.resolve("nan.bin");
            Files.write(p, m);
            assertRefused(p, "layer 0 input_layernorm.weight", () -> Llama2cCheckpoint.read(p));
        }
    }

    @Test
    void ggufF32AndQ8() throws IOException {
        for (String name : new String[] {"tinyllamas-stories-260k-f32.gguf", "stories260K-q8_0.gguf"}) {
            Path original = TestData.file("models/stories260K/" + name);
            GgufCheckpoint.Header h = GgufCheckpoint.header(original);
            GgufCheckpoint.TensorInfo t = h.tensors().get("blk.1.ffn_down.weight");
            byte[] b = Files.readAllBytes(original);
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int at = (int) (h.dataStart() + t.offset());
            if (t.type() == 0) buf.putFloat(at + 8, Float.NaN);
            else buf.putShort(at, (short) 0x7C00); // an infinite Q8_0 block scale
            Path p = dir.resolve(name);
            Files.write(p, b);
            assertRefused(p, "blk.1.ffn_down.weight", () -> GgufCheckpoint.read(p));
        }
    }

    @Test
    void huggingFaceDirectory() throws IOException {
        Checkpoint c = Checkpoints.load(TestData.file("models/stories260K/stories260K.bin"));
        Map<String, Tensor> w = new LinkedHashMap<>(c.weights());
        String name = "model.layers.2.mlp.up_proj.weight";
        Tensor bad = w.get(name).mul(1.0);
        bad.setInPlace(Double.NEGATIVE_INFINITY, 1, 2);
        w.put(name, bad);
        Path hf = dir.resolve("hf");
        HfCheckpoint.write(hf, new Checkpoint(c.config(), w, null, null), StoredType.F32);
        assertRefused(hf.resolve("model.safetensors"), name, () -> HfCheckpoint.read(hf));
    }
}

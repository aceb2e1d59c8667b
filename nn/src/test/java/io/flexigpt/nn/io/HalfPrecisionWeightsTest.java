package io.flexigpt.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BF16 checkpoint keeps its matrices in 16 bits after loading (half the memory) and the model computes
 * exactly what it computes from the fp32 widening of the same weights.
 */
class HalfPrecisionWeightsTest {

    @Test
    void bf16MatricesStayIn16BitsAndTheModelComputesAsFromTheirWidening(@TempDir Path dir) throws Exception {
        Checkpoint half = Checkpoints.load(TestData.file("models/stories260K-hf-bf16"));
        Map<String, Tensor> widened = new LinkedHashMap<>();
        long halfBytes = 0, wideBytes = 0;
        int matrices = 0;
        for (Map.Entry<String, Tensor> e : half.weights().entrySet()) {
            Tensor t = e.getValue();
            assertEquals(t.rank() == 2 ? DType.BF16 : DType.F32, t.dtype(), e.getKey());
            if (t.rank() == 2) matrices++;
            widened.put(e.getKey(), t.to(DType.F32));
            halfBytes += t.storageBytes();
            wideBytes += t.to(DType.F32).storageBytes();
        }
        assertEquals(5 * 7 + 1, matrices, "7 matrices per layer and the tied embedding");
        assertTrue(halfBytes < 0.51 * wideBytes, halfBytes + " bytes in 16 bits against " + wideBytes + " in fp32");

        LlamaModel model = LlamaModel.fromCheckpoint(half);
        LlamaModel reference = LlamaModel.fromCheckpoint(new Checkpoint(half.config(), widened, null, null));
        int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286};
        assertArrayEquals(
                reference.logits(tokens).toFloatArray(), model.logits(tokens).toFloatArray());

        // saved again it stays BF16 and reloads to the same values
        HfCheckpoint.write(dir, model.toCheckpoint(), StoredType.BF16);
        Checkpoint again = Checkpoints.load(dir);
        for (Map.Entry<String, Tensor> e : half.weights().entrySet()) {
            assertArrayEquals(
                    e.getValue().toFloatArray(), again.weights().get(e.getKey()).toFloatArray(), e.getKey());
        }
    }

    @Test
    void f16GgufMatricesStayIn16BitsAndTheModelComputesAsFromTheirWidening() throws Exception {
        Checkpoint half = Checkpoints.load(TestData.file("models/stories260K/stories260K-f16.gguf"));
        Map<String, Tensor> widened = new LinkedHashMap<>();
        int matrices = 0;
        for (Map.Entry<String, Tensor> e : half.weights().entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 2) {
                assertEquals(DType.F16, t.dtype(), e.getKey());
                matrices++;
            }
            widened.put(e.getKey(), t.to(DType.F32));
        }
        assertTrue(matrices >= 5 * 7, "7 matrices per layer, found " + matrices);
        int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286};
        Tensor expected = LlamaModel.fromCheckpoint(new Checkpoint(half.config(), widened, null, null))
                .logits(tokens);
        assertArrayEquals(
                expected.toFloatArray(),
                LlamaModel.fromCheckpoint(half).logits(tokens).toFloatArray());
    }
}

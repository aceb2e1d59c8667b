package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors kept in 16 bits from a safetensors file hold exactly the values the fp32 load gives. */
class SafeTensorsHalfTest {

    @Test
    void bf16MatricesOfARealModelKeepTheirBitsAndWidenToTheFp32Load() throws Exception {
        Path file = TestData.file("models/stories260K-hf-bf16/model.safetensors");
        int matrices = 0;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String name : f.names()) {
                Tensor wide = f.load(name);
                Tensor half = f.loadHalf(name);
                assertEquals(DType.BF16, half.dtype(), name);
                assertArrayEquals(wide.shape(), half.shape(), name);
                assertEquals(2L * wide.numel(), half.storageBytes(), name);
                assertArrayEquals(wide.toFloatArray(), half.toFloatArray(), name);
                if (wide.rank() != 2) continue;
                Tensor x = TensorGens.random(matrices, 3, wide.dim(1));
                assertArrayEquals(
                        x.matmul(wide.t()).toFloatArray(), x.matmul(half.t()).toFloatArray(), name);
                matrices++;
            }
        }
        assertTrue(matrices >= 36, "the 5-layer model has 7 matrices per layer and an embedding, found " + matrices);
    }

    @Test
    void f16MatricesRoundTripAndF32IsRefused(@TempDir Path dir) throws Exception {
        Tensor t = TensorGens.random(7, 5, 9);
        Path file = dir.resolve("m.safetensors");
        Tensor w = t.add(0.0);
        SafeTensorsWriter.write(file, Map.of("h", t, "w", w), Map.of(), x -> x == t ? StoredType.F16 : StoredType.F32);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Tensor h = f.loadHalf("h");
            assertEquals(DType.F16, h.dtype());
            assertArrayEquals(f.load("h").toFloatArray(), h.toFloatArray());
            FormatException e = assertThrows(FormatException.class, () -> f.loadHalf("w"));
            assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("F32"), e.getMessage());
        }
        assertTrue(Files.size(file) > 0);
    }
}

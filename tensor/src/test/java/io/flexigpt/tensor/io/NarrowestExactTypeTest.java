package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors are written in the narrowest type that holds them exactly, and read back bit-identically. */
class NarrowestExactTypeTest {
    @TempDir
    Path dir;

    static Tensor rounded(Tensor t, StoredType type) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = type == StoredType.BF16
                    ? HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(v[i]))
                    : HalfFloats.f16ToF32(HalfFloats.f32ToF16(v[i]));
        }
        return Tensor.of(v, t.shape());
    }

    @Test
    void eachTensorGetsTheNarrowestExactTypeAndReadsBackBitIdentically() throws IOException {
        Rng rng = new Rng(5);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int seed = 0; seed < 20; seed++) {
            Tensor raw = rng.normal(0, 0.3f, 7, 5);
            tensors.put("bf16." + seed, rounded(raw, StoredType.BF16));
            tensors.put("f16." + seed, rounded(raw, StoredType.F16));
            tensors.put("f32." + seed, raw);
        }
        tensors.put("ones", Tensor.ones(4));
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, tensors, null, StoredType::narrowestExact);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String expected = e.getKey().equals("ones")
                        ? "BF16"
                        : e.getKey().substring(0, e.getKey().indexOf('.')).toUpperCase();
                assertEquals(expected, f.info(e.getKey()).dtype(), e.getKey());
                float[] want = e.getValue().toFloatArray(),
                        got = f.load(e.getKey()).toFloatArray();
                for (int i = 0; i < want.length; i++)
                    assertEquals(
                            Float.floatToRawIntBits(want[i]),
                            Float.floatToRawIntBits(got[i]),
                            e.getKey() + "[" + i + "]");
            }
        }
    }
}

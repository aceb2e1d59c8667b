package io.flexigpt.gpu;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.backend.CpuBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A Llama decoder layer composed of backend ops gives the same output on OpenCL as on the CPU reference. */
class TransformerLayerTest {
    @Test
    void layerOnOpenClMatchesCpu() {
        OpenClBackend cl = OpenClTestSupport.backend();
        qt(6).forAll(integers().between(1, 19), integers().between(1, 2), integers().between(1, 2), longs().all())
                .checkAssert((seq, kvHeads, group, seed) -> {
            TinyLlamaLayer layer = new TinyLlamaLayer(kvHeads * group, kvHeads, 8, 43, seed);
            float[] x = OpenClTestSupport.random(new Random(seed + 1), seq * layer.dim);
            float[] expected = layer.forward(new CpuBackend(), x, seq);
            float[] actual = layer.forward(cl, x, seq);
            OpenClTestSupport.assertClose(expected, cl.upload(actual), 1e-4, 1e-4, "layer output, seq " + seq);
        });
    }
}

package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.CpuBackend;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** A Llama decoder layer composed of backend ops gives the same output on OpenCL as on the CPU reference. */
@AddLifecycleHook(RequiresOpenCl.class)
class TransformerLayerTest {
    @Property(tries = 6)
    void layerOnOpenClMatchesCpu(@ForAll @IntRange(min = 1, max = 19) int seq, @ForAll @IntRange(min = 1, max = 2) int kvHeads,
                                 @ForAll @IntRange(min = 1, max = 2) int group, @ForAll long seed) {
        OpenClBackend cl = OpenClTestSupport.backend();
        TinyLlamaLayer layer = new TinyLlamaLayer(kvHeads * group, kvHeads, 8, 43, seed);
        float[] x = OpenClTestSupport.random(new Random(seed + 1), seq * layer.dim);
        float[] expected = layer.forward(new CpuBackend(), x, seq);
        float[] actual = layer.forward(cl, x, seq);
        OpenClTestSupport.assertClose(expected, cl.upload(actual), 1e-4, 1e-4, "layer output, seq " + seq);
    }
}

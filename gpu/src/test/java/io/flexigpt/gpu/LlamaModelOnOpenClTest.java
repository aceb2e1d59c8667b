package io.flexigpt.gpu;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Llama model run through the device path gives on OpenCL the logits it gives on the CPU reference
 * backend, and those of the tensor path: grouped-query attention with both RoPE layouts, in one pass and
 * token by token through a session whose keys and values stay on the device.
 */
class LlamaModelOnOpenClTest {
    /** A random model with unit-variance activations: weights ~ N(0, 1/in), norm gains ~ N(1, 0.25). */
    static LlamaModel model(int heads, int kvHeads, int layers, boolean interleaved, long seed) {
        LlamaConfig c = new LlamaConfig(heads * 8, layers, heads, kvHeads, 43, 37, 24, 10000f, 1e-5f, seed % 2 == 0,
                interleaved ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF);
        Rng rng = new Rng(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : LlamaModel.random(c, seed).stateDict().entrySet()) {
            int[] shape = e.getValue().shape();
            weights.put(e.getKey(), shape.length == 1 ? rng.normal(1, 0.5f, shape) : rng.normal(0, (float) (1 / Math.sqrt(shape[1])), shape));
        }
        return LlamaModel.fromWeights(c, weights);
    }

    static int[] tokens(long seed, int n) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(37);
        return t;
    }

    @Test
    void logitsOnOpenClMatchTheCpuBackendAndTheTensorPath() {
        OpenClBackend cl = OpenClTestSupport.backend();
        qt(6).forAll(integers().between(1, 19), integers().between(1, 2), integers().between(1, 2), longs().all())
                .checkAssert((seq, kvHeads, group, seed) -> {
            LlamaModel model = model(kvHeads * group, kvHeads, 1 + (int) Math.floorMod(seed, 2L), seed % 3 != 0, seed);
            int[] t = tokens(seed + 1, seq);
            Tensor reference = new DeviceModel(model, OpenClTestSupport.CPU).logits(t);
            Tensor onOpenCl = new DeviceModel(model, cl).logits(t);
            OpenClTestSupport.assertClose(reference.toFloatArray(), cl.upload(onOpenCl.toFloatArray()), 1e-4, 1e-4, "logits, seq " + seq);
            assertTrue(onOpenCl.maxAbsDiff(model.logits(t)) < 2e-3, "against the tensor path: " + onOpenCl.maxAbsDiff(model.logits(t)));
        });
    }

    @Test
    void decodingTokenByTokenOnOpenClMatchesOnePass() {
        OpenClBackend cl = OpenClTestSupport.backend();
        LlamaModel model = model(4, 2, 2, true, 9);
        int[] t = tokens(3, 12);
        DeviceModel device = new DeviceModel(model, cl);
        Tensor full = device.logits(t);
        LanguageModel.Session session = device.session(t.length);
        OpenClTestSupport.assertClose(full.slice(0, 0, 5).toFloatArray(), cl.upload(session.append(java.util.Arrays.copyOf(t, 5), true).toFloatArray()),
                1e-4, 1e-4, "prefix");
        for (int i = 5; i < t.length; i++) {
            Tensor last = session.append(new int[] {t[i]}, false);
            OpenClTestSupport.assertClose(full.slice(0, i, i + 1).toFloatArray(), cl.upload(last.toFloatArray()), 1e-4, 1e-4, "position " + i);
        }
    }
}

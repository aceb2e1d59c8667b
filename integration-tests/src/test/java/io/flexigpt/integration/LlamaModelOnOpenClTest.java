package io.flexigpt.integration;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.CpuBackend;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Llama model run through the device path gives on OpenCL the logits it gives on the CPU reference
 * backend, and those of the tensor path: grouped-query attention with both RoPE layouts, in one pass and
 * token by token through a session whose keys and values stay on the device. Without an OpenCL device the
 * tests are skipped (under {@code CI=true} they fail).
 */
class LlamaModelOnOpenClTest {
    static ComputeBackend opencl;

    @BeforeEach
    void open() {
        if (opencl == null) opencl = OpenClForTests.open();
    }

    @AfterAll
    static void close() {
        if (opencl != null) opencl.close();
        opencl = null;
    }

    /** A random model with unit-variance activations: weights ~ N(0, 1/in), norm gains ~ N(1, 0.25). */
    static LlamaModel model(int heads, int kvHeads, int layers, boolean interleaved, long seed) {
        LlamaConfig c = LlamaConfig.builder()
                .dim(heads * 8)
                .layers(layers)
                .heads(heads)
                .kvHeads(kvHeads)
                .hiddenDim(43)
                .vocabSize(37)
                .maxSeqLen(24)
                .tiedEmbeddings(seed % 2 == 0)
                .ropeLayout(interleaved ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF)
                .build();
        Rng rng = new Rng(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e :
                LlamaModel.random(c, seed).stateDict().entrySet()) {
            int[] shape = e.getValue().shape();
            weights.put(
                    e.getKey(),
                    shape.length == 1
                            ? rng.normal(1, 0.5f, shape)
                            : rng.normal(0, (float) (1 / Math.sqrt(shape[1])), shape));
        }
        return LlamaModel.fromWeights(c, weights);
    }

    static int[] tokens(long seed, int n) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(37);
        return t;
    }

    /** Asserts {@code |actual - expected| <= 1e-4 (1 + |expected|)} elementwise. */
    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            double tolerance = 1e-4 * (1 + Math.abs(e[i]));
            if (!(Math.abs(a[i] - e[i]) <= tolerance))
                fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i] + " (tolerance " + tolerance
                        + ")");
        }
    }

    @Test
    void logitsOnOpenClMatchTheCpuBackendAndTheTensorPath() {
        qt(6).forAll(
                        integers().between(1, 19),
                        integers().between(1, 2),
                        integers().between(1, 2),
                        longs().all())
                .checkAssert((seq, kvHeads, group, seed) -> {
                    LlamaModel model =
                            model(kvHeads * group, kvHeads, 1 + (int) Math.floorMod(seed, 2L), seed % 3 != 0, seed);
                    int[] t = tokens(seed + 1, seq);
                    Tensor onOpenCl = new DeviceModel(model, opencl).logits(t);
                    assertClose(new DeviceModel(model, new CpuBackend()).logits(t), onOpenCl, "logits, seq " + seq);
                    assertTrue(
                            onOpenCl.maxAbsDiff(model.logits(t)) < 2e-3,
                            "against the tensor path: " + onOpenCl.maxAbsDiff(model.logits(t)));
                });
    }

    @Test
    void decodingTokenByTokenOnOpenClMatchesOnePass() {
        LlamaModel model = model(4, 2, 2, true, 9);
        int[] t = tokens(3, 12);
        DeviceModel device = new DeviceModel(model, opencl);
        Tensor full = device.logits(t);
        LanguageModel.Session session = device.session(t.length);
        assertClose(full.slice(0, 0, 5), session.append(Arrays.copyOf(t, 5), true), "prefix");
        for (int i = 5; i < t.length; i++)
            assertClose(full.slice(0, i, i + 1), session.append(new int[] {t[i]}, false), "position " + i);
    }
}
